"""WTForms: the fixed forms of the app, and the step forms built from a bank's sections."""
