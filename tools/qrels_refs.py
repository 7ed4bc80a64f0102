"""qrels_refs - the references of the answer-confidence sets to ../shared/data, resolved.

A question of corpus/qrels/confidence/<base>/{dev,test}.tsv may be a reference to a file of
the data folder (which may not be copied into the repository): @<path>:<line>:<field>, line
1-based counting a header line, field a TSV column by its header name or q1 / q2 of a
`q1[SEP]q2<TAB>label` line (corpus/qrels/confidence/README.md). tools/qrels-check and
tools/qrels-long read them through this module.
"""
import os
import re

REF = re.compile(r"^@(?P<path>[^:\t]+):(?P<line>[0-9]+):(?P<field>[^:\t]+)$")


class References:
    """Resolves @<path>:<line>:<field> against the data folder."""

    def __init__(self, data):
        self.data = data
        self.available = os.path.isdir(data)
        self.files = {}
        self.pairs = {}

    def lines(self, rel):
        if rel not in self.files:
            with open(os.path.join(self.data, rel), encoding="utf-8") as f:
                self.files[rel] = [l.rstrip("\r") for l in f.read().split("\n")]
        return self.files[rel]

    def resolve(self, m):
        """The question text of a matched reference; raises ValueError when it does not resolve."""
        rel, n, field = m.group("path"), int(m.group("line")), m.group("field")
        if os.path.isabs(rel) or ".." in rel.split("/"):
            raise ValueError("the path must stay under the data folder")
        try:
            lines = self.lines(rel)
        except OSError as e:
            raise ValueError("cannot read %s (%s)" % (rel, e.strerror))
        if n < 1 or n > len(lines) or not lines[n - 1].strip():
            raise ValueError("no line %d in %s" % (n, rel))
        if field in ("q1", "q2"):
            pair = pair_of(lines[n - 1])
            if pair is None:
                raise ValueError("line %d of %s is not a q1[SEP]q2 pair" % (n, rel))
            value = pair[0] if field == "q1" else pair[1]
        else:
            header = lines[0].split("\t")
            if field not in header or n == 1:
                raise ValueError("no column %r below the header of %s" % (field, rel))
            cols = lines[n - 1].split("\t")
            if len(cols) != len(header):
                raise ValueError("line %d of %s has %d columns, the header %d"
                                 % (n, rel, len(cols), len(header)))
            value = cols[header.index(field)]
        value = value.strip()
        if not value:
            raise ValueError("empty question at line %d of %s" % (n, rel))
        return value

    def positive_pairs(self, rel):
        if rel not in self.pairs:
            pairs = set()
            try:
                for line in self.lines(rel):
                    pair = pair_of(line)
                    if pair and line.rsplit("\t", 1)[-1].strip() == "1":
                        pairs.add(frozenset(pair))
            except OSError:
                pass
            self.pairs[rel] = pairs
        return self.pairs[rel]


def pair_of(line):
    """(q1, q2), stripped, of a `q1[SEP]q2<TAB>label` line, else None."""
    text = line.rsplit("\t", 1)[0]
    if "[SEP]" not in text:
        return None
    q1, q2 = text.split("[SEP]", 1)
    return q1.strip(), q2.strip()
