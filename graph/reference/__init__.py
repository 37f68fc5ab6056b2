"""The code sets people pick from: diagnoses, procedures and places of service."""
