"""The admin's history page of a record an import created in bulk.

Such a record has no history row of its own (`prisoners.models.BulkImportedModel`) until it is first changed
or deleted (`tracker.history.write_creation_history` then writes its "+" row, naming the job as the reason):
until then the page shows the one entry "Created by import job #N (file), by USER, at TIME", read from the job.
"""

from django.contrib.admin.utils import unquote

from tracker.history import bulk_creations


class BulkCreatedHistoryAdminMixin:
    object_history_template = "admin/history_created_in_bulk.html"

    def history_view(self, request, object_id, extra_context=None):
        context = dict(extra_context or {})
        context["created_in_bulk"] = self.created_in_bulk(unquote(object_id))
        return super().history_view(request, object_id, context)

    def created_in_bulk(self, pk):
        """{"job_id", "label", "user", "at", "url"} for a record an import created, else None."""
        model = self.model
        fields = ["created_by_import_job"] + (["created_at"] if hasattr(model, "created_at") else [])
        try:
            row = model._default_manager.filter(pk=pk).values(*fields).first()
        except (ValueError, TypeError):  # not a valid id: the history view answers 404 itself
            return None
        if not row or row["created_by_import_job"] is None:
            return None
        if model.history.filter(id=pk).exists():  # changed since: its creation row was written before the change
            return None
        job_id = row["created_by_import_job"]
        creation = bulk_creations([job_id]).get(job_id)
        return {
            "job_id": job_id,
            "label": creation.label if creation else None,
            "user": creation.user if creation else None,
            "at": row.get("created_at") or (creation.at if creation else None),
            "url": creation.url if creation else "",
        }
