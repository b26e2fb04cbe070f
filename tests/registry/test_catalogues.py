"""The translation catalogues (registry/translations and each area's) are merged into one
at run time, the later overriding the earlier: an area that translates a msgid already
translated elsewhere differently silently changes another area's pages (an incident
catalogue's "Owner" → 所属单位 once turned the drills' 责任人 column into 所属单位). A msgid
gets one translation across the catalogues, per context."""
from collections import defaultdict

from babel.messages.pofile import read_po

from registry.i18n import translation_directories

# Collisions older than this test, each checked to read right where it is shown (the
# later catalogue wins). New ones fail.
KNOWN = {
    "Term (years)", "Expires on", "never", "expired", "Held on", "Participants",
    "No agreement with id %(id)s.", "Drill", "Organiser", "Duration (hours)",
    "Plans exercised", "Agreement", "Scenario substance", "Corrective actions", "Closed on",
    "Problem and measure", "Due on", "Overdue", "Verified by", "Verified on",
    "Plan needs revision", "Drills", "Last drill", "Maximum quantity (t)",
    "Critical quantity (t)", "County", "Filter", "Plan record", "Show", "Year",
}


def test_no_msgid_is_translated_two_ways():
    found = defaultdict(set)
    for directory in translation_directories():
        for po in directory.glob("zh_Hans_CN/LC_MESSAGES/messages.po"):
            with po.open("rb") as fh:
                for message in read_po(fh):
                    if message.id and message.string and isinstance(message.id, str):
                        found[(message.context, message.id)].add(message.string)
    clashes = {key: sorted(v) for key, v in found.items() if len(v) > 1 and key[1] not in KNOWN}
    assert not clashes, clashes
