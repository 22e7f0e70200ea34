"""Enterprise use cases, one module each: the registry, report versions, the MRV workflow, the
file views and export, the demo. The only floor that mixes store, checks and model."""

from tanzhi.enterprise.service.demo import DEMO_ENTERPRISES, DemoEnterprise, demo_seed
from tanzhi.enterprise.service.files import (
    STATUS_CHOICES,
    enterprise_file,
    enterprise_list,
    file_workbook,
    report_dict,
    report_summary,
    value_added,
    verifier_desk,
)
from tanzhi.enterprise.service.registry import (
    add_contact,
    add_facility,
    assign_verifier,
    enterprise_dict,
    get_enterprise,
    industry_label,
    register,
    save_quality_plan,
    visible_codes,
)
from tanzhi.enterprise.service.reports import (
    LINES_SCHEMA,
    add_evidence,
    add_line,
    create_report,
    get_report,
    open_evidence,
    remove_line,
    revise,
    set_economics,
    upload_months,
)
from tanzhi.enterprise.service.workflow import (
    approve,
    close,
    conservative_estimate,
    raise_nonconformity,
    record_check,
    respond,
    start_verification,
    submit,
    verify,
)

__all__ = [
    "DEMO_ENTERPRISES", "LINES_SCHEMA", "STATUS_CHOICES", "DemoEnterprise", "add_contact",
    "add_evidence", "add_facility", "add_line", "approve", "assign_verifier", "close",
    "conservative_estimate", "create_report", "demo_seed", "enterprise_dict", "enterprise_file",
    "enterprise_list", "file_workbook", "get_enterprise", "get_report", "industry_label",
    "open_evidence", "raise_nonconformity", "record_check", "register", "remove_line",
    "report_dict", "report_summary", "respond", "revise", "save_quality_plan", "set_economics",
    "start_verification", "submit", "upload_months", "value_added", "verifier_desk", "verify",
    "visible_codes",
]
