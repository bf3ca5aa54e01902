"""The upload form of the CSV import. The file's content is checked by the import service;
the form only makes sure there is a file of a sensible size and a kind."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from .models import CsvImport

# 20,000 rows take 2-3 MB; the limit stops a wrong file (a database dump, a video) early and
# keeps uploads in memory rather than in temporary files.
MAX_UPLOAD_BYTES = settings.FILE_UPLOAD_MAX_MEMORY_SIZE


class CsvUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="The file holds",
        choices=CsvImport.Kind.choices,
        widget=forms.RadioSelect,
        initial=CsvImport.Kind.UNITS,
    )
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text, comma-separated, column names in the first row, at most 20,000 rows.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; at most {filesizeformat(MAX_UPLOAD_BYTES)} can be "
                "uploaded. Split it into smaller files."
            )
        return upload
