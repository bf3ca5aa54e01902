from django.contrib import admin

from apps.tenancy.admin import ReadOnlyTenantAdmin

from .models import CsvImport, Employee, Grade, OrgUnit, Position, StaffClass


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyTenantAdmin):
    list_display = ["name", "code", "kind", "organization", "depth", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Employee)
class EmployeeAdmin(ReadOnlyTenantAdmin):
    list_display = ["staff_number", "first_name", "last_name", "email", "organization", "is_active"]
    search_fields = ["staff_number", "first_name", "last_name", "email"]
    list_select_related = ["organization"]


admin.site.register([StaffClass, Grade, Position, CsvImport], ReadOnlyTenantAdmin)
