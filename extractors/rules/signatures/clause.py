"""Rule `signatory.clause`: English execution clauses, which name signer, capacity and party in a sentence.

Signed by Jane Roe, Director, for and on behalf of Acme Limited
Signed for and on behalf of Acme Limited by Jane Roe, Director
Signed for Nordic Components AB by Lars Nilsson, CEO on 28 March 2024
Executed as a deed by Acme Limited acting by Jane Roe, a director, in the presence of:
"""

from __future__ import annotations

import re

from extractors.rules.names import clean_name, looks_like_name
from extractors.rules.signatures.block import Block, Cell
from extractors.rules.signatures.lexicon import COMPANY_SUFFIX, TITLE_WORDS, YEAR, looks_like_signer
from extractors.rules.signatures.surroundings import cut_description, date_below

RULE = "signatory.clause"

_PERSON = r"(?-i:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){1,3})"
_SUFFIXES = (
    r"(?:Pte\.?\s+Ltd|Pty\.?\s+Ltd|Incorporated|Inc|Ltd|L\.L\.C|LLC|Limited|plc|PLC|LLP|L\.?P|Corporation|Corp|"
    r"Company|Co|GmbH|AG|SA|BV|NV|DAC)"
)
# A company's name; its legal form in any case ("ACME WIDGETS, INC.").
_ENTITY = rf"(?-i:[A-Z0-9][^\n,;()]{{1,80}}?)(?:,?\s+{_SUFFIXES}\.?)?"
# "on behalf of Acme Limited" up to the end of the party's name.
_ON_BEHALF_OF = (
    r"(?:duly\s+authori[sz]ed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s+"
    r"(?P<party>[A-Z][^\n,;]{2,80}?)\s*(?=[\n,;:]|\.(?:\s|$)|$)"
)
# "Signed by Jane Roe, Director, for and on behalf of Acme", "Signed by Jane Roe (CEO) for Acme".
_SIGNED_BY = re.compile(
    rf"\bsigned\s+(?:as\s+a\s+deed\s+)?by\s+(?P<name>{_PERSON})\s*,?\s*"
    r"(?:(?:as\s+|the\s+|a\s+|its\s+)?\(?(?P<title>(?-i:[A-Z][A-Za-z ]{2,40}?))\)?\s*,?\s+)?" + _ON_BEHALF_OF,
    re.I,
)
# The same without "Signed by", the signer's line under the rule: "Jane Roe, Director, for and on behalf of".
_NAME_FOR = re.compile(
    rf"^[ \t]*(?P<name>{_PERSON})\s*(?:,|\()\s*(?P<title>(?-i:[A-Z][A-Za-z ]{{2,40}}?))\)?\s*,?\s+"
    + _ON_BEHALF_OF,
    re.I | re.M,
)
# "ACME INC., by Jane Roe, its President": the party first, the signer and capacity after it.
_BY_ITS = re.compile(
    rf"(?P<party>{_ENTITY})\s*,?\s+by\s*:?\s*(?P<name>{_PERSON})\s*,\s*(?:its|as)\s+"
    r"(?P<title>(?-i:[A-Za-z][A-Za-z ]{2,40}?))\s*(?=[\n,;]|\.(?:\s|$)|$)",
    re.I,
)
_BEHALF_BY = re.compile(
    rf"\b(?:signed|executed)\s+(?:as\s+a\s+deed\s+)?(?:(?:for\s+and\s+)?on\s+behalf\s+of|for)\s+(?P<party>{_ENTITY})\s*,?\s*"
    rf"by\s+(?P<name>{_PERSON})(?:\s*,\s*(?:its|a|the|as)?\s*(?P<title>(?-i:[A-Z]?[A-Za-z ]{{2,40}}?)))?\s*"
    r"(?=[\n,;:(]|\.(?:\s|$)|$|\s+in\s+the|\s+on\s+(?:\d|[A-Z][a-z]+\s+\d))",
    re.I,
)
_DEED_BY = re.compile(
    rf"\bexecuted\s+(?:as\s+a\s+deed\s+)?by\s+(?P<party>{_ENTITY})\s*,?\s*acting\s+by\s+(?:its\s+)?"
    rf"(?P<name>{_PERSON})\s*,?\s*(?:(?:a|its|the|as)\s+)?(?P<title>director|secretary|authori[sz]ed\s+signatory|member|partner|attorney)?",
    re.I,
)
# "... by Jane Roe, Director on 28 March 2024": the date the clause itself gives.
_ON_DATE = re.compile(r"[ \t]*,?[ \t]*(?:on|dated)[ \t]+(?P<d>[^\n]{6,40}?)[ \t]*[.;]?[ \t]*(?:\n|$)", re.I)


def _date_after(text: str, position: int) -> Cell | None:
    found = _ON_DATE.match(text, position)
    if found is None or not YEAR.search(found.group("d")):
        return None
    return Cell(found.group("d"), found.start("d"), found.end("d"))


def _block(text: str, pattern: re.Pattern[str], match: re.Match[str]) -> Block | None:
    name = clean_name(match.group("name"))
    party = cut_description(clean_name(match.group("party")))
    bare = re.sub(r"^the\s+(?=\S)", "", party, flags=re.I)  # "THE BOROUGH COUNCIL OF WESTFIELD"
    if not (looks_like_signer(name) and looks_like_name(bare, max_tokens=10)):
        return None
    if TITLE_WORDS.search(name) or party.lower() in ("the", "a"):
        return None
    title = match.group("title")
    title_cell = None
    # "Signed by Jane Roe on behalf of": the words between name and "on behalf" are a title only when
    # they read as one; a signer's line and a party's "by ..., its" need one to be a signature at all.
    if pattern in (_NAME_FOR, _BY_ITS) and not (title and TITLE_WORDS.search(title)):
        return None
    if pattern is _BY_ITS and not COMPANY_SUFFIX.search(party):
        return None
    if title and title.strip() and (pattern is not _SIGNED_BY or TITLE_WORDS.search(title)):
        title_cell = Cell(title.strip(), match.start("title"), match.end("title"))
    return Block(
        name=Cell(name, match.start("name"), match.start("name") + len(name)),
        rule=RULE,
        title=title_cell,
        party=Cell(party, match.start("party"), match.start("party") + len(party)),
        date=_date_after(text, match.end()) or date_below(text, match.end()),
    )


def find_signed_by(text: str) -> list[Block]:
    blocks = [
        block
        for pattern in (_SIGNED_BY, _NAME_FOR, _BEHALF_BY, _DEED_BY, _BY_ITS)
        for match in pattern.finditer(text)
        if (block := _block(text, pattern, match)) is not None
    ]
    return sorted(blocks, key=lambda block: block.name.start)
