"""Clause presence: which of CUAD's 33 clause categories a contract has, from its OCR pages.

A small learned model (see README.md here): MiniLM vectors of overlapping word windows, one logistic
regression per category, trained on the CUAD golden set's dev split by `python -m goldset.clause_training`
and shipped as a versioned artefact in `model/`.

    classifier = ClauseClassifier.load()        # the packaged artefact
    findings = classifier.classify(page_texts)  # {ClauseCategory: ClauseFinding}
"""

from extractors.clauses.classifier import ClauseClassifier, ClauseFinding

__all__ = ["ClauseClassifier", "ClauseFinding"]
