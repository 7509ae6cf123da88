"""Filling returns from a file: the campaign's template (observatory.returns.template_files),
filled in a spreadsheet and uploaded by a delegate of the organisation.

The file is kept under MEDIA_ROOT (never served) and read in a background job by the
territories imports' reader (encodings, separators, ragged lines, XLSX under a .csv name).
Everything is checked before anything is written: the columns, each row's SIRET (one of the
organisation's establishments invited to the campaign), profession code and figures, the
duplicates, and that every return named may still be changed. Any problem fails the job
with the list of them and nothing changes; otherwise, in one transaction, each establishment
named has its return's lines replaced by the file's.
"""

import difflib
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jobs.models import Job
from jobs.services import TRANSIENT_ERRORS, JobFailed, job_enqueue
from observatory.campaigns.models import Campaign
from observatory.choices import EDITABLE, ReturnEventKind
from observatory.establishments.models import Establishment
from observatory.reference.models import Profession
from observatory.returns.fields import FIGURES, NAMES
from observatory.returns.models import FIGURE_MAX, Return
from observatory.returns.services import (
    LineInput,
    ReturnRefused,
    return_findings,
    return_lines_save,
    return_may_edit,
)
from observatory.returns.template_files import (
    COLUMNS,
    COMMENT,
    INFORMATIVE,
    PROFESSION,
    SIRET,
)
from territories.imports.reading import MISSING_MARKERS, FileProblem, parse_number, read_file

TASK_NAME = "observatory.returns_upload"
MAX_BYTES = 5 * 1024 * 1024
# Past these the list would hide the file's real trouble (a wrong file, a shifted column).
MAX_PROBLEMS = 50
ERROR_ROOM = 4900  # Job.error keeps 5,000 characters
REQUIRED = tuple(name for name in COLUMNS if name not in (*INFORMATIVE, COMMENT))
COMMENT_MAX = 2000
CENT = Decimal("0.01")


class UploadRefused(Exception):
    """The file cannot fill the returns; `problems` say why, one sentence each, in French."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def message(self):
        """A summary, then at most MAX_PROBLEMS problems, one per line (Job.error)."""
        count = len(self.problems)
        head = ngettext(
            "%(count)s problem in the file: nothing was changed. Correct it and upload it again.",
            "%(count)s problems in the file: nothing was changed. Correct them and upload it "
            "again.",
            count,
        ) % {"count": count}
        shown, length = [], len(head)
        for problem in self.problems[:MAX_PROBLEMS]:
            if length + len(problem) + 3 > ERROR_ROOM:
                break
            shown.append(f"• {problem}")
            length += len(problem) + 3
        if count > len(shown):
            shown.append(_("… and %(more)s more.") % {"more": count - len(shown)})
        return "\n".join([head, *shown])


@dataclass
class PlannedLine:
    """A row of the file, checked: what it will write."""

    line: str
    return_obj: Return
    profession: Profession
    values: dict
    comment: str | None  # None: the file has no comment column, the line keeps its own


@dataclass
class UploadPlan:
    """What a checked file will write, return by return (in the order of the file)."""

    lines: list = field(default_factory=list)

    def by_return(self):
        grouped = {}
        for planned in self.lines:
            grouped.setdefault(planned.return_obj, []).append(planned)
        return grouped


# --- Recording an upload -------------------------------------------------------------------


def returns_upload_create(*, campaign, organisation, uploaded, user):
    """Keep the uploaded file and queue the job that reads it; returns the Job."""
    from observatory.returns import tasks

    suffix = Path(uploaded.name).suffix.lower()
    stored = default_storage.save(
        f"observatory/uploads/{campaign.year}/{uuid.uuid4().hex}{suffix}", uploaded
    )
    try:
        with transaction.atomic():
            return job_enqueue(
                task=tasks.returns_upload,
                arguments={
                    "stored": stored,
                    "original_name": Path(uploaded.name).name[:255],
                    "campaign_id": campaign.pk,
                    "organisation_id": organisation.pk,
                },
                user=user,
                label=_("Returns %(year)s of %(organisation)s from %(name)s")
                % {
                    "year": campaign.year,
                    "organisation": organisation.name,
                    "name": Path(uploaded.name).name,
                },
            )
    except BaseException:
        default_storage.delete(stored)  # no job will ever read it
        raise


# --- Reading what became of uploads --------------------------------------------------------


def returns_uploads_of(*, user, campaign, organisation):
    """The upload jobs `user` may follow for this campaign and organisation, latest first."""
    return Job.objects.visible_to(user).filter(
        kind=TASK_NAME,
        arguments__campaign_id=campaign.pk,
        arguments__organisation_id=organisation.pk,
    )


def returns_upload_is_demo(*, campaign, organisation):
    """Whether the returns an upload of the organisation fills are demonstration data."""
    return (
        campaign.is_demo
        or organisation.is_demo
        or Return.objects.filter(campaign=campaign, establishment__organisation=organisation)
        .filter(Q(is_demo=True) | Q(establishment__is_demo=True))
        .exists()
    )


def returns_upload_outcome(job):
    """(summary, problems) of a failed upload, as UploadRefused.message() wrote them; an
    error of another kind is a summary without a list."""
    if not job.error:
        return None, []
    head, *rest = job.error.splitlines()
    return head, [line.removeprefix("• ") for line in rest if line.strip()]


# --- Running it (in the job) ---------------------------------------------------------------


def returns_upload_run(*, job, stored, original_name, campaign_id, organisation_id):
    """Read, check, then write the file kept at `stored`: all of it, or nothing (JobFailed
    with the list of problems). The file is removed once the outcome is known; nothing
    points to it afterwards. It stays only after an error the job is tried again for."""
    campaign = Campaign.objects.get(pk=campaign_id)
    user = job.created_by
    job.report_progress(10, _("Reading the file"))
    try:
        plan = returns_upload_check(
            path=default_storage.path(stored),
            original_name=original_name,
            campaign=campaign,
            organisation_id=organisation_id,
        )
        job.report_progress(50, _("Writing the returns"))
        result = returns_upload_apply(plan=plan, user=user)
    except UploadRefused as exc:
        default_storage.delete(stored)
        raise JobFailed(exc.message()) from exc
    except Exception as exc:
        if not _tried_again(job, exc):
            default_storage.delete(stored)  # the job ends here: nothing will read it again
        raise
    default_storage.delete(stored)
    return result


def _tried_again(job, exc):
    """Whether jobs.services.job_run will run the job again after `exc`, as it does after a
    transient or database error until JOBS_MAX_ATTEMPTS; any other error ends the job."""
    retried = isinstance(exc, (*TRANSIENT_ERRORS, DatabaseError))
    return retried and job.attempts < settings.JOBS_MAX_ATTEMPTS


def returns_upload_check(*, path, original_name, campaign, organisation_id):
    """The file read and checked into an UploadPlan; UploadRefused lists every problem."""
    try:
        frame, _geometry, _notes = read_file(path, original_name)
    except FileProblem as exc:
        raise UploadRefused([str(exc)]) from exc
    positions = _match_columns(list(frame.columns))
    returns = {
        ret.establishment.siret: ret
        for ret in Return.objects.filter(
            campaign=campaign, establishment__organisation_id=organisation_id
        ).select_related("establishment", "campaign")
    }
    own_not_invited = _own_not_invited(organisation_id, set(returns))
    professions = {profession.code: profession for profession in Profession.objects.all()}
    checker = _RowChecker(returns, own_not_invited, professions, positions)
    for index, row in enumerate(frame.itertuples(index=False, name=None)):
        checker.check(str(index + 2), row)
    problems = checker.problems
    if not problems and not checker.plan.lines:
        problems.append(
            _(
                "The file has no row to write: give each row a SIRET and a profession code "
                "(code_metier)."
            )
        )
    problems += _not_editable(checker.named)
    if problems:
        raise UploadRefused(problems)
    return checker.plan


def returns_upload_apply(*, plan, user):
    """Replace the lines of each return in `plan` by the file's, in one transaction."""
    written = []
    try:
        with transaction.atomic():
            for return_obj, planned in plan.by_return().items():
                # Locked before its lines are read, so that a line a colleague adds meanwhile
                # is either seen here (and removed if the file leaves it out) or waits.
                Return.objects.select_for_update().only("pk").get(pk=return_obj.pk)
                kept = {line.profession_id: line for line in return_obj.lines.all()}
                lines = {
                    item.profession: LineInput(
                        values=item.values,
                        recruitment_comment=(
                            item.comment
                            if item.comment is not None
                            else getattr(kept.get(item.profession.pk), "recruitment_comment", "")
                        ),
                    )
                    for item in planned
                }
                in_file = {item.profession.pk for item in planned}
                removed = [line.profession for pk, line in kept.items() if pk not in in_file]
                saved = return_lines_save(
                    return_obj=return_obj,
                    user=user,
                    lines=lines,
                    lock_version=None,
                    removed=removed,
                    event=ReturnEventKind.UPLOADED,
                )
                written.append((saved, len(planned)))
    except ReturnRefused as exc:
        # Someone submitted a return, or the campaign closed, while the file was read.
        raise UploadRefused([str(exc)]) from exc
    except ValidationError as exc:
        raise UploadRefused([" ".join(exc.messages)]) from exc
    return {
        "establishments": len(written),
        "lines": sum(count for _saved, count in written),
        "returns": [_summary(saved, count) for saved, count in written],
    }


def _summary(return_obj, count):
    findings = [f for found in return_findings(return_obj).values() for f in found]
    return {
        "id": return_obj.pk,
        "establishment": return_obj.establishment.name,
        "siret": return_obj.establishment.siret,
        "lines": count,
        "blocking": sum(1 for finding in findings if finding.blocking),
        "warnings": sum(1 for finding in findings if not finding.blocking),
    }


# --- The checks ----------------------------------------------------------------------------


def normal_name(text):
    """A column name without case, accents, spaces or punctuation: « Code métier » and
    « CODE_METIER » both read as code_metier."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def _match_columns(present):
    """{expected column: position in the file}; UploadRefused names the missing ones and,
    for a renamed one, the column it looks like."""
    found = {}
    for position, name in enumerate(present):
        key = normal_name(name)
        if key in COLUMNS:
            found.setdefault(key, []).append(position)
    problems = [
        _("Columns “%(first)s” and “%(second)s” both stand for %(column)s: keep one.")
        % {"first": present[spots[0]], "second": present[spots[1]], "column": name}
        for name, spots in found.items()
        if len(spots) > 1
    ]
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        problems.append(
            _("Missing column(s): %(missing)s. The template's columns must keep their names.")
            % {"missing": ", ".join(missing)}
        )
        matched = {spots[0] for spots in found.values()}
        others = [present[i] for i in range(len(present)) if i not in matched]
        for name in missing:
            lookalike = _lookalike(name, others)
            if lookalike:
                problems.append(
                    _("The column “%(found)s” looks like %(column)s: rename it %(column)s.")
                    % {"found": lookalike, "column": name}
                )
                others.remove(lookalike)
    if problems:
        raise UploadRefused(problems)
    return {name: spots[0] for name, spots in found.items()}


def _lookalike(name, candidates):
    """The file's column that is most probably `name` renamed (its label, or a close
    spelling), or None."""
    labels = {figure.name: normal_name(figure.label) for figure in FIGURES}
    wanted = [name, labels.get(name, "")]
    best, best_score = None, 0.0
    for candidate in candidates:
        key = normal_name(candidate)
        if not key:
            continue
        score = max(difflib.SequenceMatcher(None, key, target).ratio() for target in wanted)
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 0.75 else None


def _own_not_invited(organisation_id, invited_sirets):
    return dict(
        Establishment.objects.filter(organisation_id=organisation_id)
        .exclude(siret__in=invited_sirets)
        .values_list("siret", "name")
    )


class _RowChecker:
    """Checks the file's rows one by one, gathering problems and the plan."""

    def __init__(self, returns, own_not_invited, professions, positions):
        self.returns = returns
        self.own_not_invited = own_not_invited
        self.professions = professions
        self.lower_codes = {code.lower(): code for code in professions}
        self.positions = positions
        self.problems = []
        self.plan = UploadPlan()
        self.seen = {}
        self.named = {}  # the returns the file names, in its order (a dict as ordered set)

    def problem(self, line, text):
        self.problems.append(_("Line %(line)s: %(problem)s") % {"line": line, "problem": text})

    def cell(self, row, name):
        position = self.positions.get(name)
        if position is None:
            return None
        value = row[position]
        return "" if value is None else str(value).strip()

    def check(self, line, row):
        siret_text = self.cell(row, SIRET)
        code_text = self.cell(row, PROFESSION)
        figures = {name: self.cell(row, name) for name in NAMES}
        comment = self.cell(row, COMMENT)
        if not code_text and not any(figures.values()) and not comment:
            return  # blank, or a row that only names an establishment (or the demo notice)
        return_obj = self._return(line, siret_text)
        profession = self._profession(line, code_text)
        values = {name: self._figure(line, name, text) for name, text in figures.items()}
        if comment is not None and len(comment) > COMMENT_MAX:
            self.problem(
                line,
                _("the comment is longer than %(limit)s characters") % {"limit": COMMENT_MAX},
            )
        if return_obj is None or profession is None:
            return
        key = (return_obj.pk, profession.pk)
        if key in self.seen:
            self.problem(
                line,
                _("%(profession)s of %(siret)s is already on line %(other)s")
                % {
                    "profession": profession.code,
                    "siret": return_obj.establishment.siret,
                    "other": self.seen[key],
                },
            )
            return
        self.seen[key] = line
        if any(value is _BAD for value in values.values()):
            return
        self.plan.lines.append(PlannedLine(line, return_obj, profession, values, comment))

    def _return(self, line, text):
        if not text:
            self.problem(line, _("no SIRET"))
            return None
        siret = re.sub(r"[\s\u00a0\u202f]", "", text)
        if re.fullmatch(r"\d+[.,]0+", siret):
            siret = re.split(r"[.,]", siret)[0]  # written as a number with decimals
        if re.fullmatch(r"\d+([.,]\d+)?[eE]\+?\d+", siret):
            self.problem(
                line,
                _(
                    "the SIRET “%(value)s” was turned into a number by the spreadsheet: format "
                    "the column as text and type the 14 digits again"
                )
                % {"value": text[:40]},
            )
            return None
        if siret.isdigit() and len(siret) == 13:
            siret = "0" + siret  # a spreadsheet dropped the leading zero
        if not (siret.isdigit() and len(siret) == 14):
            self.problem(line, _("“%(value)s” is not a SIRET (14 digits)") % {"value": text[:40]})
            return None
        if siret in self.returns:
            self.named[self.returns[siret]] = True
            return self.returns[siret]
        if siret in self.own_not_invited:
            self.problem(
                line,
                _("your establishment %(siret)s (%(name)s) is not invited to this campaign")
                % {"siret": siret, "name": self.own_not_invited[siret]},
            )
        else:
            # Says nothing of whom the SIRET belongs to, if anyone.
            self.problem(
                line,
                _(
                    "the SIRET %(siret)s is not one of your organisation's establishments "
                    "invited to this campaign"
                )
                % {"siret": siret},
            )
        return None

    def _profession(self, line, text):
        if not text:
            self.problem(line, _("no profession code (code_metier)"))
            return None
        code = self.lower_codes.get(text.lower())
        if code is not None:
            return self.professions[code]
        close = difflib.get_close_matches(text.lower(), list(self.lower_codes), n=1, cutoff=0.75)
        if close:
            self.problem(
                line,
                _("unknown profession code “%(value)s” (did you mean %(code)s?)")
                % {"value": text[:40], "code": self.lower_codes[close[0]]},
            )
        else:
            self.problem(
                line,
                _("unknown profession code “%(value)s” (the codes are in the template)")
                % {"value": text[:40]},
            )
        return None

    def _figure(self, line, name, text):
        if text is None:
            return None
        value, status, problem = parse_number(text)
        if status == "missing" and text.lower() in MISSING_MARKERS:
            return None
        # Past here, « missing » is a number the reader cannot hold (« 1e400 », « inf »).
        figure_problem = None
        if problem or status != "ok":
            figure_problem = _("“%(value)s” is not a number") % {"value": text[:40]}
        elif value < 0:
            figure_problem = _("cannot be negative (%(value)s)") % {"value": text[:40]}
        elif value > FIGURE_MAX:
            figure_problem = _("%(value)s is too large") % {"value": text[:40]}
        elif not _is_decimal(name) and not value.is_integer():
            figure_problem = _("a whole number is expected (%(value)s)") % {"value": text[:40]}
        if figure_problem:
            self.problem(
                line, _("%(column)s: %(problem)s") % {"column": name, "problem": figure_problem}
            )
            return _BAD
        if _is_decimal(name):
            # Two places, as the return keeps them (a spreadsheet's 10.3333 is 10.33).
            return Decimal(repr(value)).quantize(CENT, rounding=ROUND_HALF_UP)
        return int(value)


_BAD = object()
_DECIMALS = {figure.name for figure in FIGURES if figure.decimal}


def _is_decimal(name):
    return name in _DECIMALS


def _not_editable(returns):
    """A problem for each of `returns` that may no longer be changed."""
    problems = []
    for return_obj in returns:
        establishment = return_obj.establishment
        if return_obj.status not in EDITABLE:
            problems.append(
                _("The return of %(name)s (%(siret)s) is %(status)s: it can no longer be changed.")
                % {
                    "name": establishment.name,
                    "siret": establishment.siret,
                    "status": return_obj.get_status_display().lower(),
                }
            )
        elif not return_may_edit(return_obj) and not return_obj.campaign.is_closed():
            problems.append(
                _(
                    "The campaign opens on %(date)s: the return of %(name)s (%(siret)s) can "
                    "be filled in from then."
                )
                % {
                    "date": return_obj.campaign.opens_on.strftime("%d/%m/%Y"),
                    "name": establishment.name,
                    "siret": establishment.siret,
                }
            )
        elif not return_may_edit(return_obj):
            problems.append(
                _(
                    "The campaign closed on %(date)s: the return of %(name)s (%(siret)s) can "
                    "no longer be changed."
                )
                % {
                    "date": return_obj.campaign.closes_on.strftime("%d/%m/%Y"),
                    "name": establishment.name,
                    "siret": establishment.siret,
                }
            )
    return problems
