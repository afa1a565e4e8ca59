"""Draw one synthetic contract: its labels and the text blocks a renderer lays out.

Everything is drawn from `random.Random(f"{seed}:{index}")`, so document i is the same whatever the set's
size, and a regenerated document is byte-identical. Filler prose comes from a second stream so that
trimming it to fit a page budget never changes the labels.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from goldset import vocab
from goldset.spelling import can_write_money, write_date, write_days, write_duration, write_money
from goldset.templates import POOLS, PhrasingPool
from schemas.contract import ContractFields, ContractType, Money, Party, Signatory

TYPES: tuple[ContractType, ...] = tuple(vocab.SLUGS)
TEST_SLOTS = (1, 3)  # index % 5 in TEST_SLOTS -> test split (40 %), enough test support for the gate

TERMS: dict[ContractType, tuple[tuple[int, str], ...]] = {
    ContractType.nda: ((2, "year"), (24, "month"), (3, "year"), (1, "year")),
    ContractType.master_services: ((36, "month"), (3, "year"), (5, "year"), (24, "month")),
    ContractType.statement_of_work: ((6, "month"), (9, "month"), (12, "month"), (1, "year")),
    ContractType.lease: ((5, "year"), (60, "month"), (10, "year"), (3, "year")),
    ContractType.employment: ((2, "year"), (12, "month"), (18, "month")),
    ContractType.license: ((3, "year"), (12, "month"), (24, "month"), (5, "year")),
    ContractType.supply: ((2, "year"), (36, "month"), (48, "month"), (1, "year")),
}
VALUE_STEPS: dict[ContractType, tuple[int, int]] = {  # (step, max multiple)
    ContractType.master_services: (50_000, 60),
    ContractType.statement_of_work: (5_000, 80),
    ContractType.lease: (25_000, 80),
    ContractType.license: (10_000, 150),
    ContractType.supply: (50_000, 100),
}
REFERENCE_TITLES = ("Master Services Agreement", "Letter of Intent", "Prior Agreement", "Framework Agreement")


@dataclass(frozen=True)
class Block:
    """One thing on a page. kind: title | heading | exhibit | para | table | signatures | pagebreak."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass
class Draft:
    name: str
    split: str
    layout: str
    fields: ContractFields
    target_pages: int
    sections: list[list[Block]]  # the labelled clauses, in reading order; filler goes between them
    tail: list[Block]  # execution block and exhibits, after the last filler
    roles: tuple[str, str] = ("", "")
    filler_seed: str = ""


def document_name(index: int) -> str:
    return f"{vocab.SLUGS[TYPES[index % len(TYPES)]]}-{index:04d}.pdf"


def split_of(index: int) -> str:
    return "test" if index % 5 in TEST_SLOTS else "dev"


def _company(rng: random.Random, jur: vocab.Jurisdiction, avoid: str = "") -> tuple[str, str]:
    head = rng.choice([h for h in vocab.COMPANY_HEADS if h != avoid])
    suffix = rng.choice(jur.entity_suffixes)
    name = f"{head} {rng.choice(vocab.COMPANY_TAILS)}{',' if rng.random() < 0.3 else ''} {suffix}"
    kind = "limited liability company" if "L" in suffix and "C" in suffix else jur.entity_kind
    where = f"a {jur.canonical} {kind}" if jur.currency == "USD" else f"a {kind}"
    if rng.random() < 0.5:
        where += f", with its principal office at {rng.randint(1, 999)} {rng.choice(vocab.STREETS)}, "
        where += rng.choice(jur.cities)
    return name, where


def _person(rng: random.Random) -> str:
    return f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.LAST_NAMES)}"


def _add_months(date: dt.date, months: int) -> dt.date:
    year, month = divmod(date.month - 1 + months, 12)
    return date.replace(year=date.year + year, month=month + 1, day=min(date.day, 28))


def _money_text(rng: random.Random, pool: PhrasingPool, amount: float, currency: str) -> str:
    formats = [f for f in pool.money_formats if can_write_money(amount, f)]
    return write_money(amount, currency, rng.choice(formats))


def _duration_label(n: int, unit: str) -> str:
    return f"{n} {unit}{'s' if n != 1 else ''}"


class _Writer:
    """One document's random stream, phrasing pool, chosen formats and the labels filled in so far.

    The methods are called in a fixed order (see `compose`): the order of random draws is part of the
    generator's output, so reordering them changes the committed data.
    """

    def __init__(self, index: int, seed: int, pool: PhrasingPool | None = None) -> None:
        rng = self.rng = random.Random(f"{seed}:{index}")
        self.ctype = TYPES[index % len(TYPES)]
        self.pool = pool or POOLS[split_of(index)]
        pool = self.pool
        self.law = rng.choice(vocab.JURISDICTIONS)
        home = self.law if rng.random() < 0.7 else rng.choice(vocab.JURISDICTIONS)
        self.date_fmt = rng.choice(pool.date_formats)
        self.sign_fmt = rng.choice(pool.date_formats)
        self.dur_fmt = rng.choice(pool.duration_formats)
        self.days_fmt = rng.choice(pool.days_formats)
        r1, r2 = rng.choice(vocab.ROLES[self.ctype])
        title = rng.choice(pool.titles[self.ctype.value]).format(sow_no=rng.randint(1, 12))
        p1, d1 = _company(rng, home)
        if self.ctype is ContractType.employment:
            p2, d2 = _person(rng), f"an individual residing in {rng.choice(home.cities)}"
        else:
            p2, d2 = _company(rng, rng.choice(vocab.JURISDICTIONS), avoid=p1.split()[0])
        self.effective = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randint(0, 9 * 365))
        self.fields: dict[str, object] = {
            "contract_type": self.ctype,
            "title": title,
            "parties": [Party(name=p1, role=r1), Party(name=p2, role=r2)],
            "effective_date": self.effective,
        }
        self.ctx = {
            "title": title,
            "p1": p1,
            "d1": d1,
            "r1": r1,
            "p2": p2,
            "d2": d2,
            "r2": r2,
            "a": r1,
            "b": r2,
        }
        self.ctx["date"] = write_date(self.effective, self.date_fmt)
        self.ctx["business"] = rng.choice(vocab.RECITAL_BUSINESSES)
        self.style = "preamble"
        self.currency = "USD"

    def opening(self) -> tuple[list[Block], bool]:
        """Title, maybe a reference to another agreement, and the parties (preamble, recital or neither).

        Returns the blocks and whether the effective date was stated in them.
        """
        rng, pool, ctx = self.rng, self.pool, self.ctx
        self.style = rng.choices(("preamble", "recital", "signature"), weights=(5, 2, 2))[0]
        blocks: list[Block] = [Block("title", ctx["title"])]
        if self.ctype is ContractType.statement_of_work or rng.random() < 0.25:
            ref_date = self.effective - dt.timedelta(days=rng.randint(60, 1500))
            ref = rng.choice(pool.reference_clauses).format(
                ref_title=rng.choice(REFERENCE_TITLES), ref_date=write_date(ref_date, self.date_fmt)
            )
            blocks.append(Block("para", ref))
        if self.style == "preamble":
            preamble = rng.choice(pool.preambles)
            blocks.append(Block("para", preamble.format(**ctx)))
            return blocks, "{date}" in preamble
        if self.style == "recital":
            blocks.append(Block("para", rng.choice(pool.recital_openings).format(**ctx)))
            blocks.append(Block("para", rng.choice(pool.recitals).format(**ctx)))
            return blocks, True
        blocks.append(Block("para", rng.choice(pool.signature_only_openings).format(**ctx)))
        return blocks, True

    def term(self, effective_stated: bool) -> list[Block]:
        rng, pool, fields = self.rng, self.pool, self.fields
        blocks: list[Block] = [Block("heading", "Term")]
        if not effective_stated:
            blocks.append(
                Block("para", rng.choice(pool.effective_date_clauses).format(date=self.ctx["date"]))
            )
        if rng.random() < 0.85:
            n, unit = rng.choice(TERMS[self.ctype])
            fields["term"] = _duration_label(n, unit)
            term_text = write_duration(n, unit, self.dur_fmt)
            blocks.append(Block("para", rng.choice(pool.term_clauses).format(term=term_text)))
            if rng.random() < 0.4:
                months = n * 12 if unit == "year" else n
                blocks.append(self._expiration(_add_months(self.effective, months) - dt.timedelta(days=1)))
            roll = rng.random()
            if roll < 0.45:
                rn, ru = rng.choice(((1, "year"), (12, "month"), (2, "year"), (6, "month")))
                fields["auto_renewal"] = True
                fields["renewal_term"] = _duration_label(rn, ru)
                clause = rng.choice(pool.renewal_auto_clauses).format(
                    renewal=write_duration(rn, ru, self.dur_fmt),
                    nonrenew=write_days(rng.choice((60, 90)), self.days_fmt),
                )
                blocks.append(Block("para", clause))
            elif roll < 0.65:
                fields["auto_renewal"] = False
                blocks.append(Block("para", rng.choice(pool.renewal_none_clauses)))
        elif rng.random() < 0.5:
            blocks.append(self._expiration(self.effective + dt.timedelta(days=rng.randint(180, 1500))))
        return blocks

    def _expiration(self, expiration: dt.date) -> Block:
        self.fields["expiration_date"] = expiration
        clause = self.rng.choice(self.pool.expiration_clauses)
        return Block("para", clause.format(expiration=write_date(expiration, self.date_fmt)))

    def payment(self) -> tuple[list[Block], list[Block]]:
        """Fees clause, and the payment schedule exhibit apart: it goes after the signatures."""
        rng, pool, fields = self.rng, self.pool, self.fields
        blocks: list[Block] = [Block("heading", "Fees and Payment")]
        schedule: list[Block] = []
        self.currency = self.law.currency if rng.random() < 0.8 else "USD"
        if self.ctype in VALUE_STEPS and rng.random() < 0.85:
            step, top = VALUE_STEPS[self.ctype]
            amount = float(step * rng.randint(2, top))
            fields["contract_value"] = Money(amount=amount, currency=self.currency)
            value_text = _money_text(rng, pool, amount, self.currency)
            clause = rng.choice(pool.value_clauses[self.ctype.value])
            blocks.append(Block("para", clause.format(value=value_text, **self.ctx)))
            if rng.random() < 0.7:
                schedule = self._schedule(amount)
                blocks.append(
                    Block("para", f"Fees shall be invoiced in instalments as set out in {schedule[1].text}.")
                )
        if self.ctype not in (ContractType.nda, ContractType.employment) and rng.random() < 0.75:
            n_days = rng.choice((15, 30, 45, 60, 90))
            fields["payment_terms_days"] = n_days
            clause = rng.choice(pool.payment_terms_clauses)
            blocks.append(
                Block("para", clause.format(days=write_days(n_days, self.days_fmt), n=n_days, **self.ctx))
            )
        return blocks, schedule

    def _schedule(self, amount: float) -> list[Block]:
        """Payment schedule exhibit: instalment dates and amounts are distractors for the labelled value."""
        rng = self.rng
        parts = rng.randint(2, 5)
        share = round(amount / parts, 2)
        amounts = [share] * (parts - 1) + [round(amount - share * (parts - 1), 2)]
        header = tuple(rng.choice(self.pool.schedule_headers).split("|"))
        rows = [header]
        for i, part in enumerate(amounts, start=1):
            due = write_date(self.effective + dt.timedelta(days=30 * i * rng.randint(1, 3)), self.date_fmt)
            rows.append((f"{header[0]} {i}", due, write_money(part, self.currency, "{code} {n2}")))
        title = rng.choice(self.pool.schedule_titles)
        return [Block("pagebreak"), Block("exhibit", title), Block("table", rows=tuple(rows))]

    def termination(self) -> list[Block]:
        rng, pool = self.rng, self.pool
        blocks: list[Block] = [Block("heading", "Termination")]
        notice = None
        if rng.random() < 0.75:
            notice = rng.choice((15, 30, 45, 60, 90, 120, 180))
            self.fields["termination_notice_days"] = notice
            clause = rng.choice(pool.termination_clauses)
            blocks.append(Block("para", clause.format(notice=write_days(notice, self.days_fmt))))
        if rng.random() < 0.5:  # a cure period: a number of days that is NOT the notice period
            cure = rng.choice([d for d in (10, 20, 30, 45) if d != notice])
            blocks.append(
                Block("para", rng.choice(pool.cure_clauses).format(cure=write_days(cure, self.days_fmt)))
            )
        return blocks

    def liability(self) -> list[Block]:
        """A liability cap: an amount that is NOT the contract value."""
        rng = self.rng
        if rng.random() >= 0.6:
            return []
        cap = float(rng.choice((100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000)))
        clause = rng.choice(self.pool.liability_cap_clauses)
        cap_text = _money_text(rng, self.pool, cap, self.currency)
        return [Block("heading", "Limitation of Liability"), Block("para", clause.format(cap=cap_text))]

    def governing_law(self) -> list[Block]:
        rng, law = self.rng, self.law
        blocks: list[Block] = [Block("heading", "Governing Law")]
        if rng.random() < 0.92:
            self.fields["governing_law"] = law.canonical
            phrase = rng.choice(law.law_phrases)
            clause = rng.choice(self.pool.governing_law_clauses).format(
                law=phrase, law_cap=phrase[0].upper() + phrase[1:], law_adj=rng.choice(law.adjective_phrases)
            )
            blocks.append(Block("para", clause))
        if rng.random() < 0.5:
            blocks.append(
                Block("para", rng.choice(self.pool.venue_clauses).format(city=rng.choice(law.cities)))
            )
        return blocks

    def execution(self) -> list[Block]:
        """Witness clause and signature block; the execution date is the last signature's date."""
        rng, pool, ctx = self.rng, self.pool, self.ctx
        employment = self.ctype is ContractType.employment
        dated = rng.random() < 0.75
        first = self.effective - dt.timedelta(days=rng.randint(0, 20))
        dates = [first, first + dt.timedelta(days=rng.choice((0, 0, 1, 3)))] if dated else [None, None]
        people = [_person(rng), ctx["p2"] if employment else _person(rng)]
        titles = [
            rng.choice(vocab.SIGNATORY_TITLES),
            ctx["r2"] if employment else rng.choice(vocab.SIGNATORY_TITLES),
        ]
        block_fmt = rng.choice(pool.signature_blocks)
        witness = rng.choice([w for w in pool.witness_clauses if dated or "{exec_date}" not in w])
        execution = max(d for d in dates if d) if dated else None
        if execution is not None:
            self.fields["execution_date"] = execution
        exec_text = write_date(execution, self.sign_fmt) if execution else ""
        rows = []
        signatories = []
        for i, (party, role) in enumerate(((ctx["p1"], ctx["r1"]), (ctx["p2"], ctx["r2"]))):
            date_text = write_date(dates[i], self.sign_fmt) if dates[i] else ""
            shown_role = role.upper() if self.style == "signature" else role
            lines = [
                line.format(role=shown_role, party=party, name=people[i], title=titles[i], date=date_text)
                for line in block_fmt.split("\n")
                if dates[i] or "{date}" not in line
            ]
            rows.append(tuple(lines))
            signatories.append(Signatory(name=people[i], title=titles[i], party=party, date=dates[i]))
        self.fields["signatories"] = signatories
        return [Block("para", witness.format(exec_date=exec_text)), Block("signatures", rows=tuple(rows))]


def compose(index: int, seed: int, pool: PhrasingPool | None = None) -> Draft:
    """Document `index` of the set generated from `seed`; with a tuning `pool`, a "dev" document in its
    phrasing (the split pools are used only for the golden set itself)."""
    writer = _Writer(index, seed, pool)
    opening, effective_stated = writer.opening()
    term = writer.term(effective_stated)
    payment, schedule = writer.payment()
    termination = writer.termination()
    liability = writer.liability()
    law = writer.governing_law()
    tail = writer.execution() + schedule
    if writer.rng.random() < 0.5:
        tail += [Block("pagebreak"), Block("exhibit", writer.rng.choice(writer.pool.scope_titles))]
    # A section holding only its heading says nothing: drop it.
    sections = [opening, *(s for s in (term, payment, termination, liability, law) if len(s) > 1)]
    low, high = vocab.PAGE_RANGES[writer.ctype]
    return Draft(
        name=document_name(index),
        split="dev" if pool else split_of(index),
        layout=writer.rng.choice(writer.pool.layouts),
        fields=ContractFields.model_validate(writer.fields),
        target_pages=writer.rng.randint(low, high),
        sections=sections,
        tail=tail,
        roles=(writer.ctx["r1"], writer.ctx["r2"]),
        filler_seed=f"{seed}:{index}:filler",
    )
