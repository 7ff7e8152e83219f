"""The contributor's and editor's workflow: new cases, DICOM/photo import with de-identification,
the one-run pre-push check with a completeness score, the pull-request review report with its
contact sheet, and the opt-in Git LFS setup."""
