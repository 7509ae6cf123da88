"""Helpers shared by the knowledge base's tests: resources written through the services,
or made directly (with their search document) for the reading and search tests."""

import io
from datetime import UTC, datetime

from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.curation import services as curation
from portal.knowledge.models import Resource
from portal.knowledge.resources import services
from portal.knowledge.search.services import search_documents_refresh

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ATOM = "{http://www.w3.org/2005/Atom}"


def draft(cast, organisation, **fields):
    values = {
        "kind": ResourceKind.PRACTICE_SHEET,
        "title": "Accueil de jour",
        "summary": "Un accueil sans condition.",
        "body": "Du **texte**.",
        "organisation": organisation,
        "visibility": Visibility.PUBLIC,
    }
    values.update(fields)
    return services.resource_create(user=cast.member, **values)


def published(cast, organisation, **fields):
    resource = draft(cast, organisation, **fields)
    curation.resource_submit(user=cast.member, resource=resource)
    return curation.resource_publish(user=cast.curator, resource=resource)


def make(title, summary, body="", *, kind=ResourceKind.STUDY, year=2024, **fields):
    links = {k: fields.pop(k, []) for k in ("themes", "preconisations", "territories")}
    resource = Resource.objects.create(
        kind=kind,
        title=title,
        slug=fields.pop("slug", None) or f"r-{Resource.objects.count() + 1}",
        summary=summary,
        body=body,
        body_html=f"<p>{body}</p>",
        search_text=body,
        status=fields.pop("status", ResourceStatus.PUBLISHED),
        visibility=fields.pop("visibility", Visibility.PUBLIC),
        published_at=datetime(year, 3, 1, tzinfo=UTC),
        **fields,
    )
    for name, values in links.items():
        getattr(resource, name).set(values)
    search_documents_refresh(Resource.objects.filter(pk=resource.pk))
    return resource


def titles(result):
    return [r.title for r in result.results]


def form_data(resource, **changes):
    data = {
        "kind": resource.kind,
        "title": resource.title,
        "summary": resource.summary,
        "body": resource.body,
        "organisation": resource.organisation_id,
        "visibility": resource.visibility,
        "version": resource.version,
    }
    data.update(changes)
    return data


def minimal_pdf(text):
    """A one-page PDF with a line of text, written by hand (no font embedding needed)."""
    stream = f"BT /F1 12 Tf 50 700 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
