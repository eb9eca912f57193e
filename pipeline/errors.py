"""One error tree for medlegal; each class carries its exit code and says what to do.

    MedlegalError                      (exit 1)
    ├── UsageError                     (exit 2)   bad command-line use
    ├── ConfigError                    (exit 3)   bad setting or configuration file
    ├── RulesError                     (exit 4)   a rule file under pipeline/extraction/rules/ is invalid
    ├── DependencyError                (exit 5)   a system tool (tesseract) is missing
    ├── InputError                                the input file cannot be read
    │   ├── InputNotFoundError         (exit 10)
    │   ├── EmptyFileError             (exit 11)
    │   ├── UnsupportedFileTypeError   (exit 12)  neither PDF nor TIFF/PNG/JPEG
    │   ├── CorruptFileError           (exit 13)  truncated or damaged PDF/image
    │   ├── EncryptedPdfError          (exit 14)
    │   ├── NoPagesError               (exit 15)
    │   ├── LimitExceededError         (exit 16)  file, page count, page size or pixels over a limit
    │   │   └── MemoryLimitError       (exit 16)  the document needed more than worker_memory_mb
    │   ├── NotRegularFileError        (exit 17)  a symlink, folder, pipe or device, not a plain file
    │   └── FilePermissionError        (exit 18)  medlegal may not read the file
    ├── CaseNotFoundError              (exit 10)  no stored report belongs to the case asked for
    ├── AmbiguousCaseError             (exit 2)   an applicant's name matches several cases
    ├── OcrError                       (exit 20)  Tesseract failed on a page
    │   └── OcrTimeoutError            (exit 21)  Tesseract took longer than the per-page limit
    ├── DocumentTimeoutError           (exit 21)  one document took longer than document_timeout_s
    ├── WorkerCrashError               (exit 22)  the worker process reading the document died
    │   └── RepeatedCrashError         (exit 22)  claimed max_claim_attempts times, never finished
    ├── StoreError                     (exit 30)  database or home folder problem
    │   ├── VersionConflict            (exit 30)  a correction or decision on a record version no longer the latest
    │   └── WebhookError               (exit 31)  one POST to the case system failed (kept for the next export)
    ├── HomePermissionError            (exit 32)  medlegal lacks a permission on the home folder or inbox
    ├── EvaluationError                (exit 40)  an evaluation fell below its floor
    ├── RatingError                    (exit 50)  the schedule cannot place an input (`medlegal rate`)
    └── InternalError                  (exit 1)   a bug: an unexpected exception inside a stage

Every error names the `stage` that raised it (read, ocr, extract, store, timeout, ...): the class's default,
or the stage `pipeline.process` was running when an unexpected exception became an `InternalError`.

Third-party exceptions are wrapped where the library is called (`raise CorruptFileError(...) from e`);
exceptions become exit codes in one place, `pipeline.cli`.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes, one per kind of failure."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CONFIG = 3
    RULES = 4
    DEPENDENCY = 5
    INPUT_NOT_FOUND = 10
    EMPTY_FILE = 11
    UNSUPPORTED_TYPE = 12
    CORRUPT_FILE = 13
    ENCRYPTED_PDF = 14
    NO_PAGES = 15
    LIMIT_EXCEEDED = 16
    NOT_REGULAR_FILE = 17
    FILE_PERMISSION = 18
    OCR_FAILED = 20
    OCR_TIMEOUT = 21
    WORKER_CRASHED = 22
    STORE = 30
    WEBHOOK = 31
    HOME_PERMISSION = 32
    EVALUATION_FAILED = 40
    RATING = 50


class MedlegalError(Exception):
    """Base of every error medlegal raises on purpose."""

    exit_code: ExitCode = ExitCode.ERROR
    #: True when the same call may succeed if retried (flows retry only these).
    transient: bool = False
    #: What the user should do, appended to the message.
    hint: str = ""
    #: The pipeline stage that raised it, recorded with quarantined files.
    stage: str = "process"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        hint: str | None = None,
        stage: str | None = None,
    ) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        if hint is not None:
            self.hint = hint
        if stage is not None:
            self.stage = stage
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The single line shown to the user: file name, what went wrong, what to do."""
        where = f"{self.path.name}: " if self.path is not None else ""
        return f"{where}{self.reason()}"

    def reason(self) -> str:
        """What went wrong and what to do, without the file name (stored beside the file it is about)."""
        tail = f"; {self.hint}" if self.hint else ""
        return f"{self.message}{tail}"


class UsageError(MedlegalError):
    stage = "cli"
    exit_code = ExitCode.USAGE


class ConfigError(MedlegalError):
    stage = "settings"
    exit_code = ExitCode.CONFIG
    hint = "check the MEDLEGAL_* environment variables and the configuration file (MEDLEGAL_CONFIG or ~/.config/medlegal/medlegal.toml)"


class RulesError(MedlegalError):
    stage = "extract"
    exit_code = ExitCode.RULES
    hint = "fix the rule file named above"


class DependencyError(MedlegalError):
    stage = "read"
    exit_code = ExitCode.DEPENDENCY
    hint = (
        "run `make run` once, or: sudo apt-get install -y tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd"
    )


class InputError(MedlegalError):
    """The input file cannot be read as a report."""

    stage = "read"


class InputNotFoundError(InputError):
    exit_code = ExitCode.INPUT_NOT_FOUND
    hint = "check the path"


class EmptyFileError(InputError):
    exit_code = ExitCode.EMPTY_FILE
    hint = "the file is zero bytes; ask the sender for the report again"


class UnsupportedFileTypeError(InputError):
    exit_code = ExitCode.UNSUPPORTED_TYPE
    hint = "medlegal reads PDF, TIFF, PNG and JPEG; convert the file to PDF first"


class CorruptFileError(InputError):
    exit_code = ExitCode.CORRUPT_FILE
    hint = "the file is truncated or damaged; ask the sender for a new copy or re-save it from a viewer"


class EncryptedPdfError(InputError):
    exit_code = ExitCode.ENCRYPTED_PDF
    hint = "the PDF is password-protected; decrypt it (qpdf --decrypt --password=PW in.pdf out.pdf) and retry"


class NoPagesError(InputError):
    exit_code = ExitCode.NO_PAGES
    hint = "the document has no pages; ask the sender for the complete report"


class LimitExceededError(InputError):
    exit_code = ExitCode.LIMIT_EXCEEDED
    hint = "split the file, or raise the limit in the configuration file if it is trusted"


class MemoryLimitError(LimitExceededError):
    """The document's worker process ran out of the memory it may use (`worker_memory_mb`)."""

    stage = "worker"
    hint = "split the file, or raise worker_memory_mb in the configuration file if it is trusted"


class NotRegularFileError(InputError):
    """A symlink, folder, pipe or device where a report file was expected; it is never followed or read."""

    exit_code = ExitCode.NOT_REGULAR_FILE
    stage = "inbox"
    hint = "drop the report itself into the inbox, not a link to it"


class FilePermissionError(InputError):
    exit_code = ExitCode.FILE_PERMISSION
    hint = (
        "let medlegal's user read the file: the program that drops reports should write them group-readable "
        "(umask 007; see docs/operations.md, 'A shared inbox')"
    )


class OcrError(MedlegalError):
    stage = "ocr"
    exit_code = ExitCode.OCR_FAILED
    hint = "check that tesseract runs (`tesseract --version`); rescan the page if it is unreadable"


class OcrTimeoutError(OcrError):
    exit_code = ExitCode.OCR_TIMEOUT
    hint = "the page is too noisy to read in time; rescan it, or raise ocr_timeout_s"


class StoreError(MedlegalError):
    stage = "store"
    exit_code = ExitCode.STORE
    transient = True
    hint = "check MEDLEGAL_HOME and MEDLEGAL_DATABASE_URL"


class VersionConflict(StoreError):
    """A correction or decision was made on a version of a record that is no longer the latest (another
    reviewer, or another app process, saved one in between)."""

    transient = False
    hint = "reload the record: someone saved a newer version"


class EvaluationError(MedlegalError):
    stage = "evaluate"
    exit_code = ExitCode.EVALUATION_FAILED


class RatingError(MedlegalError):
    """The rating schedule cannot place an input: an impairment number, an occupation, an age, a date."""

    stage = "rate"
    exit_code = ExitCode.RATING
    hint = "see `medlegal rate --help` and docs/rating.md; a rater decides what the schedule leaves open"


class DocumentTimeoutError(MedlegalError):
    """One document took longer than `document_timeout_s` as a whole."""

    exit_code = ExitCode.OCR_TIMEOUT
    stage = "timeout"
    hint = "the document is too slow to read (often a noisy scan); rescan it, or raise document_timeout_s"


class WorkerCrashError(MedlegalError):
    """The worker process reading a document died (a crash in a library, or killed by the system)."""

    exit_code = ExitCode.WORKER_CRASHED
    stage = "worker"
    hint = "the file crashes the reader; ask the sender for a new copy, or re-save it from a PDF viewer"


class RepeatedCrashError(WorkerCrashError):
    """A file claimed `max_claim_attempts` times by runs that all died before finishing it."""

    stage = "claim"


class HomePermissionError(MedlegalError):
    """medlegal's user lacks a permission it needs on the home folder or the inbox."""

    exit_code = ExitCode.HOME_PERMISSION
    stage = "inbox"
    hint = "fix the folder's owner, group or mode (docs/operations.md, 'A shared inbox'); medlegal never changes it"


class InternalError(MedlegalError):
    """An unexpected exception inside a stage: a bug, reported with the stage it happened in."""

    exit_code = ExitCode.ERROR


class WebhookError(StoreError):
    """One failed POST to the case system's webhook (a status other than 2xx, or a network error)."""

    exit_code = ExitCode.WEBHOOK
    stage = "export"
    transient = True
    hint = ""


class CaseNotFoundError(MedlegalError):
    """No stored report belongs to the case asked for (`medlegal case`)."""

    exit_code = ExitCode.INPUT_NOT_FOUND
    stage = "case"
    hint = (
        "check the case number (ADJ and digits) or the applicant's name; `medlegal case --list` lists cases"
    )


class AmbiguousCaseError(UsageError):
    """An applicant's name matches more than one case: the case number decides."""

    stage = "case"
    hint = "give the case number instead (medlegal case ADJ...)"
