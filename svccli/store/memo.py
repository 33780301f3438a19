"""A memo of per-case answers for one question (the daily check of one day, say), kept in
.svc/cache. Each answer is stored with the signature of the case it was computed from (its bytes
in the derived state), so an answer is reused only for a case that has not changed since; a
different question (another day, another --warn, an edited catalogue) starts afresh."""

from __future__ import annotations

from pathlib import Path

from svccli.store.cache import CODE, load, save


class Memo:
    def __init__(self, home: Path, name: str, question: tuple):
        self.home, self.name, self.question = home, name, (CODE, question)
        got = load(home, name)
        fits = isinstance(got, tuple) and len(got) == 2 and got[0] == self.question and isinstance(got[1], dict)
        self.answers: dict = got[1] if fits else {}
        self.changed = not fits

    def get(self, case_id: str, signature):
        got = self.answers.get(case_id)
        return got[1] if signature is not None and got is not None and got[0] == signature else None

    def put(self, case_id: str, signature, answer) -> None:
        if signature is not None:
            self.answers[case_id] = (signature, answer)
            self.changed = True

    def save(self, keep) -> None:
        """Write the answers of the cases in `keep` (the others no longer matter), if any changed."""
        if self.changed or self.answers.keys() - keep:
            save(self.home, self.name, (self.question, {k: v for k, v in self.answers.items() if k in keep}))
