"""The import pages: upload, preview, confirm, samples; who may see them."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.people.models import CsvImport, Employee, OrgUnit
from apps.tenancy.scoping import tenant_scope
from apps.tenancy.urls_helpers import org_reverse
from apps.tests_support import factories
from apps.tests_support.caching import forget_cached_reads

from .import_support import EMPLOYEES_HEADER, UNITS_HEADER, csv_bytes, preview


def _upload(client, org, kind, content: bytes, name="file.csv"):
    return client.post(
        org_reverse("people:import_start", org),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def test_the_start_page_explains_the_formats_and_offers_samples(org_a, alice_client):
    response = alice_client.get(org_reverse("people:import_start", org_a))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "staff_number",
        "manager_staff_number",
        "parent_code",
        "is_unit_head",
        "No imports yet",
        org_reverse("people:import_sample", org_a, kind="units"),
        org_reverse("people:import_sample", org_a, kind="employees"),
    ):
        assert text in page


def test_the_samples_download_as_csv_and_import_cleanly(org_a, alice, alice_client):
    for kind in ("units", "employees"):
        response = alice_client.get(org_reverse("people:import_sample", org_a, kind=kind))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert f'filename="{kind}.csv"' in response["Content-Disposition"]
        upload = _upload(alice_client, org_a, kind, response.content)
        with tenant_scope(org_a):
            csv_import = CsvImport.objects.latest("created_at")
        assert csv_import.status == CsvImport.Status.READY, csv_import.errors
        alice_client.post(upload.url)
    with tenant_scope(org_a):
        assert Employee.objects.filter(staff_number="E1007", unit__code="OPS-LOG").exists()
    assert alice_client.get(org_reverse("people:import_sample", org_a, kind="grades")).status_code == 404


def test_uploading_shows_the_preview_and_confirming_imports(org_a, alice_client):
    response = _upload(alice_client, org_a, "units", csv_bytes(UNITS_HEADER, "FIN,Finance,division,A-HQ"))
    assert response.status_code == 302
    review = alice_client.get(response.url)
    assert review.status_code == 200
    assert "Import 1 rows" in review.content.decode()
    with tenant_scope(org_a):
        assert not OrgUnit.objects.filter(code="FIN").exists()

    confirmed = alice_client.post(response.url, follow=True)

    assert "Imported 1 rows" in confirmed.content.decode()
    with tenant_scope(org_a):
        assert OrgUnit.objects.filter(code="FIN").exists()


def test_the_preview_lists_errors_by_row_and_column_with_a_new_upload_form(org_a, alice_client):
    response = _upload(
        alice_client, org_a, "employees", csv_bytes(EMPLOYEES_HEADER, "E1,Ann,One,not-an-email,NOPE,,,,,")
    )
    page = alice_client.get(response.url).content.decode()
    assert "2 problems to fix" in page
    assert "<code>email</code>" in page and "<code>unit_code</code>" in page
    assert "Unknown unit code “NOPE”" in page
    assert 'enctype="multipart/form-data"' in page
    assert "Import 1 rows" not in page


def test_a_file_in_the_wrong_encoding_is_explained(org_a, alice_client):
    response = _upload(alice_client, org_a, "units", "code,name\nCAF,Café\n".encode("cp1252"))
    page = alice_client.get(response.url).content.decode()
    assert "not saved as UTF-8" in page and "CSV UTF-8" in page


def test_the_form_requires_a_file(org_a, alice_client):
    response = alice_client.post(org_reverse("people:import_start", org_a), {"kind": "units"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_the_error_table_pages_and_htmx_gets_only_the_table(org_a, alice, alice_client):
    lines = [UNITS_HEADER] + [f"U{i},,," for i in range(150)]
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", *lines)
    url = org_reverse("people:import_review", org_a, csvimport_id=csv_import.public_id)
    second = alice_client.get(url + "?page=2")
    assert "Page 2 of 2" in second.content.decode()
    fragment = alice_client.get(url + "?page=2", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="import-errors"') and "<html" not in fragment


def test_members_may_not_use_the_import(org_a, alice, bob_client):
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
    review = org_reverse("people:import_review", org_a, csvimport_id=csv_import.public_id)
    assert bob_client.get(org_reverse("people:import_start", org_a)).status_code == 403
    assert _upload(bob_client, org_a, "units", csv_bytes(UNITS_HEADER, "X,X,,")).status_code == 403
    assert bob_client.get(org_reverse("people:import_sample", org_a, kind="units")).status_code == 403
    assert bob_client.get(review).status_code == 403
    assert bob_client.post(review).status_code == 403
    with tenant_scope(org_a):
        assert CsvImport.objects.get(pk=csv_import.pk).status == CsvImport.Status.READY


def test_another_tenants_import_is_not_found(org_a, alice, charlie_client, org_b):
    with tenant_scope(org_a):
        csv_import = preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
    foreign = org_reverse("people:import_review", org_b, csvimport_id=csv_import.public_id)
    assert charlie_client.get(foreign).status_code == 404
    assert charlie_client.post(foreign).status_code == 404
    with tenant_scope(org_a):
        assert CsvImport.objects.get(pk=csv_import.pk).status == CsvImport.Status.READY


def test_the_start_page_lists_recent_imports_in_a_fixed_number_of_queries(org_a, alice, alice_client):
    url = org_reverse("people:import_start", org_a)
    with tenant_scope(org_a):
        preview(alice, org_a, "units", UNITS_HEADER, "FIN,Finance,,")
    alice_client.get(url)  # the first request of a session does some one-off work
    forget_cached_reads()
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url)
    with tenant_scope(org_a):
        for i in range(5):
            preview(alice, org_a, "units", UNITS_HEADER, f"U{i},Unit,,")
    forget_cached_reads()
    with CaptureQueriesContext(connection) as many:
        page = alice_client.get(url).content.decode()
    assert len(many) == len(few)
    assert page.count("units.csv</a></th>") == 6


def test_confirming_after_the_organisation_changed_shows_the_new_problems(org_a, alice, alice_client, unit_a):
    response = _upload(alice_client, org_a, "employees", csv_bytes(EMPLOYEES_HEADER, "E1,Ann,One,ann@x.org,A-HQ,,,,,"))
    with tenant_scope(org_a):
        factories.EmployeeFactory(organization=org_a, unit=unit_a, staff_number="Z1", email="ann@x.org")

    page = alice_client.post(response.url, follow=True).content.decode()

    assert "changed since the preview" in page and "belongs to employee Z1" in page
    with tenant_scope(org_a):
        assert not Employee.objects.filter(staff_number="E1").exists()
