import enum


class DocumentErrorCode(enum.StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    INVALID_DOCUMENT = "INVALID_DOCUMENT"
