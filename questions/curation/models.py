"""Files uploaded to the admin's import, between preview and confirmation."""

from django.db import models


class ImportUpload(models.Model):
    """A file uploaded to the admin's import, kept between its preview and its confirmation.

    In the database rather than a temporary folder: with several app servers behind a load
    balancer, the confirmation may reach a different server from the preview.
    """

    name = models.CharField(max_length=64, unique=True)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.name
