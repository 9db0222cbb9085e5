from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_http_methods

from citizens import uploads
from citizens.access import get_attachment_for_user


@require_http_methods(["GET"])
def download(request: HttpRequest, public_id: UUID) -> FileResponse:
    attachment = get_attachment_for_user(request, public_id)
    path = uploads.path_for(attachment.storage_name)
    if not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
