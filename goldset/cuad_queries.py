"""The CUAD golden set's search query set: `goldset/cuad/queries.jsonl` (format: goldset.queries).

    python -m goldset.cuad_queries    # writes goldset/cuad/queries.jsonl and prints a summary

Each clause category gets plain-language queries, written by hand the way a lawyer types into a search
box rather than as the category's name: two for the dev split and two others, in other words, for test,
so a search tuned on dev's phrasings is measured on phrasings it never saw. Each split's pair mixes a
question and a keyword-style query. They were written from the categories' descriptions in CUAD's README,
never from the contracts.

A query's relevant documents are its split's contracts whose label says the category is present
(`fields.clauses.<slug>` true), grade 1. Its relevant pages are where CUAD's marked clause texts are on
the page's text layer (`goldset.clause_pages`): grade 2 for the page holding most of a text, 1 for a page
holding part of one. A relevant document none of whose texts is located stays relevant, without pages.
A category with fewer than MIN_RELEVANT contracts in a split gets no query there: a ranking over one or
two relevant documents says too little to average.

The UNANSWERABLE queries ask what no contract here answers (family law, consumer leases, ...): their key
words were checked to be absent from every text layer. They measure abstention.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from goldset.clause_pages import ANSWER_GRADE, Shingles, clause_pages, page_shingles
from goldset.cuad_labels import CUAD_DIR
from goldset.cuad_split import read_split
from goldset.labels import GoldDocument, Split, load_goldset
from goldset.queries import QUERIES_FILE, RelevantDocument, RelevantPage, SearchQuery
from schemas.clauses import CUAD_NAMES, ClauseCategory

MIN_RELEVANT = 3
SPLITS: tuple[Split, ...] = ("dev", "test")
C = ClauseCategory
# Per category: (dev phrasings, test phrasings), each a question and a keyword-style query.
PHRASINGS: dict[ClauseCategory, tuple[tuple[str, str], tuple[str, str]]] = {
    C.affiliate_license_licensee: (
        ("can our subsidiaries use the licensed technology too?", "license extended to licensee affiliates"),
        ("does the grant cover entities the licensee controls?", "group company usage rights"),
    ),
    C.affiliate_license_licensor: (
        (
            "does the licence include patents owned by the licensor's affiliates?",
            "licensor group companies intellectual property included",
        ),
        (
            "will the vendor's sister companies' IP be covered as well?",
            "rights under grantor subsidiaries' technology",
        ),
    ),
    C.anti_assignment: (
        ("can we transfer this agreement to another company without their approval?", "consent to assign"),
        (
            "is the other side allowed to hand the deal over to a third party?",
            "restriction on delegating obligations",
        ),
    ),
    C.audit_rights: (
        ("can they inspect our books and records?", "audit rights over records"),
        (
            "may the other party examine our accounting to check we complied?",
            "inspection of ledgers and premises",
        ),
    ),
    C.cap_on_liability: (
        ("is there a maximum amount either party can be liable for?", "limitation of liability cap"),
        ("how much could we owe at most if something goes wrong?", "damages limited to fees paid"),
    ),
    C.change_of_control: (
        ("what happens if the company is acquired or merges?", "termination upon change in ownership"),
        (
            "can they end the deal if we are bought by a competitor?",
            "sale of majority stock triggers consent",
        ),
    ),
    C.competitive_restriction_exception: (
        (
            "are there carve-outs from the exclusivity restrictions?",
            "exceptions to non-solicitation covenant",
        ),
        (
            "what activities are still permitted despite the ban on competing?",
            "public job postings allowed despite hiring restriction",
        ),
    ),
    C.covenant_not_to_sue: (
        (
            "are we prevented from challenging the validity of their patents?",
            "agreement not to contest trademarks",
        ),
        ("can the licensee dispute who owns the IP?", "waiver of right to bring claims against licensor"),
    ),
    C.exclusivity: (
        ("are we the only distributor allowed in the territory?", "exclusive supply arrangement"),
        ("can they sell the same products through anyone else?", "sole source purchasing obligation"),
    ),
    C.insurance: (
        ("what insurance coverage must the vendor carry?", "general liability insurance requirements"),
        (
            "do we have to name them as additional insured on our policy?",
            "umbrella policy per occurrence limits",
        ),
    ),
    C.ip_ownership_assignment: (
        ("who owns the work product we develop for them?", "assignment of inventions to the customer"),
        ("does anything they create under the deal become ours?", "title to deliverables vests in client"),
    ),
    C.irrevocable_or_perpetual_license: (
        ("is the licence granted forever?", "perpetual irrevocable license"),
        (
            "can the grantor ever take back the rights it gave?",
            "rights with no end date that cannot be revoked",
        ),
    ),
    C.joint_ip_ownership: (
        ("do both parties co-own the inventions?", "jointly owned intellectual property"),
        (
            "who holds the patents when we develop something together?",
            "shared title to collaborative developments",
        ),
    ),
    C.license_grant: (
        ("what rights are we given to use their technology?", "grant of license to trademarks"),
        ("are we permitted to use the brand names and software?", "right to use reproduce and distribute"),
    ),
    C.liquidated_damages: (
        ("is there a fixed penalty if someone breaches?", "liquidated damages amount"),
        ("do we owe a fee for ending the contract early?", "predetermined compensation owed upon breach"),
    ),
    C.minimum_commitment: (
        ("do we have to buy a minimum quantity each year?", "minimum purchase obligation"),
        ("is there a floor on how much we must order?", "guaranteed yearly order levels"),
    ),
    C.most_favored_nation: (
        ("do we get the best price they offer anyone else?", "most favoured customer pricing"),
        ("if another buyer gets better terms, do we get them too?", "price parity with third parties"),
    ),
    C.no_solicit_of_customers: (
        ("can they poach our clients after the contract ends?", "non-solicitation of customers"),
        ("may we pitch business to their buyers?", "ban on diverting the other party's clientele"),
    ),
    C.no_solicit_of_employees: (
        ("can we hire their staff?", "no poaching of employees"),
        (
            "is recruiting the other side's personnel prohibited?",
            "non-hire covenant for workers and contractors",
        ),
    ),
    C.non_compete: (
        ("are we barred from competing after the deal ends?", "non-competition restriction territory"),
        ("can we launch a rival product line?", "restriction on engaging in a similar business"),
    ),
    C.non_disparagement: (
        ("can we say negative things about them publicly?", "no disparaging statements"),
        (
            "is criticism of the other company forbidden?",
            "obligation not to harm the other party's reputation",
        ),
    ),
    C.non_transferable_license: (
        ("can the licence be passed to someone else?", "non-transferable non-sublicensable license"),
        ("may we grant the rights onward to our partners?", "rights may not be conveyed to third parties"),
    ),
    C.post_termination_services: (
        ("what do we still have to do after the agreement ends?", "transition assistance after termination"),
        (
            "must they keep supporting us once the contract is over?",
            "wind-down and sell-off period obligations",
        ),
    ),
    C.price_restrictions: (
        ("can they raise prices during the term?", "price increase limits"),
        ("are rates fixed for the life of the agreement?", "cap on fee escalation"),
    ),
    C.revenue_profit_sharing: (
        ("do we have to pay them a share of sales?", "royalty percentage on net revenue"),
        ("how are profits split between the parties?", "commission owed on income earned"),
    ),
    C.rofr_rofo_rofn: (
        ("do we get first dibs before they sell to someone else?", "right of first refusal"),
        ("can we match any outside bid?", "priority option to negotiate before third parties"),
    ),
    C.source_code_escrow: (
        ("is the source code held by an escrow agent?", "source code escrow release conditions"),
        (
            "if the software vendor goes bankrupt, do we get the code?",
            "deposit of program materials with custodian",
        ),
    ),
    C.termination_for_convenience: (
        ("can either side walk away without cause?", "terminate for any reason on notice"),
        ("may we end the agreement at will?", "cancellation right with no default required"),
    ),
    C.third_party_beneficiary: (
        ("can someone who didn't sign enforce the contract?", "third party beneficiary rights"),
        ("are outside parties entitled to rely on these terms?", "rights conferred on persons not party"),
    ),
    C.uncapped_liability: (
        (
            "is our liability unlimited for breaching confidentiality?",
            "exclusions from the limitation of liability",
        ),
        ("which claims have no ceiling on damages?", "infringement indemnity not subject to the cap"),
    ),
    C.unlimited_license: (
        ("can we use the software for an unlimited number of users?", "enterprise-wide license"),
        ("may every employee company-wide run the product?", "no restriction on seats or installations"),
    ),
    C.volume_restriction: (
        ("do fees go up if we exceed the usage limit?", "overage charges above threshold"),
        (
            "what happens when we use more than the allowed amount?",
            "consent required beyond permitted capacity",
        ),
    ),
    C.warranty_duration: (
        ("how long is the product warranty?", "warranty period months"),
        ("for how many days after delivery are defects covered?", "guarantee against errors expires after"),
    ),
}
# Questions no contract here answers; their key words are absent from every page's text layer.
UNANSWERABLE: dict[Split, tuple[str, ...]] = {
    "dev": (
        "alimony payments after the marriage ends",
        "prepayment penalty on a residential home loan",
        "can the tenant keep a pet in the apartment?",
        "probate of the deceased's last will and testament",
        "livestock grazing rights",
        "asylum application deadline for refugees",
    ),
    "test": (
        "spousal support obligations",
        "timeshare cancellation cooling-off period",
        "organ donation consent form",
        "condominium association fees",
        "fishing quota allocation among boats",
        "parole conditions for the offender",
    ),
}


@dataclass
class Summary:
    """What the builder did, for the printed summary and the README's figures."""

    queries: dict[Split, int] = field(default_factory=dict)
    unanswerable: dict[Split, int] = field(default_factory=dict)
    skipped: dict[Split, list[str]] = field(default_factory=dict)
    relevant_documents: dict[Split, int] = field(default_factory=dict)  # (category, document) pairs
    texts: int = 0  # clause texts of the relevant pairs
    located: int = 0  # of them, found on some page
    answer_page: int = 0  # of them, with a grade-2 page
    unlocated_documents: int = 0  # relevant pairs with no page located

    def lines(self) -> list[str]:
        out = []
        for split in SPLITS:
            skipped = ", ".join(self.skipped[split]) or "none"
            out.append(
                f"{split}: {self.queries[split]} queries ({self.unanswerable[split]} unanswerable), "
                f"{self.relevant_documents[split]} (category, relevant document) pairs; "
                f"no query for (fewer than {MIN_RELEVANT} relevant documents): {skipped}"
            )
        share = self.located / self.texts if self.texts else 0.0
        out.append(
            f"clause texts located on a page: {self.located}/{self.texts} ({share:.1%}); "
            f"with a grade-2 page: {self.answer_page}; relevant documents without a located page: "
            f"{self.unlocated_documents}"
        )
        return out


def relevant_document(
    doc: GoldDocument, category: ClauseCategory, pages: list[Shingles], summary: Summary
) -> RelevantDocument:
    """The document, grade 1, with the pages its marked texts of `category` are on (the best grade each)."""
    label = doc.clauses.get(CUAD_NAMES[category])
    grades: dict[int, int] = {}
    for text in label.texts if label else []:
        found = clause_pages(text, pages)
        summary.texts += 1
        summary.located += bool(found)
        summary.answer_page += ANSWER_GRADE in found.values()
        for page, grade in found.items():
            grades[page] = max(grade, grades.get(page, 0))
    summary.unlocated_documents += not grades
    return RelevantDocument(
        document=doc.document, pages=[RelevantPage(page=page, grade=grades[page]) for page in sorted(grades)]
    )


def build(folder: Path = CUAD_DIR) -> tuple[list[SearchQuery], Summary]:
    """Every query of the set, dev then test, categories in order, then the unanswerable ones."""
    split = read_split(folder)
    gold = sorted(load_goldset(folder), key=lambda d: d.document)
    cache: dict[str, list[Shingles]] = {}

    def pages_of(doc: GoldDocument) -> list[Shingles]:
        if doc.document not in cache:
            assert doc.path is not None  # load_goldset raised otherwise
            cache[doc.document] = page_shingles(doc.path)
        return cache[doc.document]

    summary = Summary()
    queries: list[SearchQuery] = []
    for side in SPLITS:
        summary.skipped[side] = []
        summary.relevant_documents[side] = 0
        side_queries = _category_queries(
            side, [d for d in gold if split[d.document] == side], pages_of, summary
        )
        side_queries += [
            SearchQuery(id=f"{side}-unanswerable-{n}", split=side, text=text, relevant=[])
            for n, text in enumerate(UNANSWERABLE[side], start=1)
        ]
        summary.queries[side] = len(side_queries)
        summary.unanswerable[side] = len(UNANSWERABLE[side])
        queries += side_queries
    return queries, summary


def _category_queries(
    side: Split,
    docs: list[GoldDocument],
    pages_of: Callable[[GoldDocument], list[Shingles]],
    summary: Summary,
) -> list[SearchQuery]:
    queries = []
    for category, (dev, test) in PHRASINGS.items():
        having = [d for d in docs if getattr(d.fields.clauses, category.value) is True]
        if len(having) < MIN_RELEVANT:
            summary.skipped[side].append(f"{category.value} ({len(having)})")
            continue
        relevant = [relevant_document(d, category, pages_of(d), summary) for d in having]
        summary.relevant_documents[side] += len(relevant)
        for n, text in enumerate(dev if side == "dev" else test, start=1):
            queries.append(
                SearchQuery(
                    id=f"{side}-{category.value}-{n}",
                    split=side,
                    text=text,
                    category=category.value,
                    relevant=relevant,
                )
            )
    return queries


def write_queries(path: Path, queries: Iterable[SearchQuery]) -> None:
    header = "# CUAD search queries: written by `python -m goldset.cuad_queries` (see README.md)\n"
    lines = (json.dumps(q.model_dump(mode="json", exclude_none=True), ensure_ascii=False) for q in queries)
    path.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")


if __name__ == "__main__":
    built, summary = build()
    write_queries(CUAD_DIR / QUERIES_FILE, built)
    for line in summary.lines():
        print(line)
