#!/usr/bin/env python3
"""Writes a `git fast-import` stream that replays real registry content as a long history.

    python3 bench/history_replay.py CORPUS EXPECTED [COMMITS] | git fast-import

CORPUS is a corpus built by bench/build-corpus.sh (its rust-vendor/ and python/ parts:
cargo-vendored crates and unpacked PyPI sdists). Every file of it up to 1 MiB ends up in
the history; nothing is made up except the planted fake secrets and commit metadata.

How the history is shaped (deterministic, seeded):
- Projects (one vendored crate or sdist each, at vendor/<crate>/ or python/<package>/) are
  worked on a few at a time. A commit touches 1-6 files of one or two of them.
- Files arrive in pieces: about a third of the text files are first committed as a prefix
  (or with a block of lines missing) and completed over 1-3 later commits, so most commits
  edit existing files, with real content.
- Crates present in several versions (rand 0.7 -> 0.10, hashbrown, syn, hyper, ...) are
  upgraded in place later on: real edits, additions and deletions between releases.
- Files are deleted now and then, files and whole project directories renamed.
- Feature branches fork from main, get their own commits and are merged back (merge
  commits); a few stay unmerged. Annotated tags mark releases; one tag points at a commit
  that is on no branch.
- Planted fake secrets (seeded RNG; none is a real credential) are added and later removed
  again, each in its own way (file deleted, token rotated, file renamed then edited,
  merged from a branch, only on an unmerged branch, only under a tag, ...).

EXPECTED receives one line per planted secret: id, path, secret, how it was removed.
"""

import base64
import hashlib
import os
import random
import string
import sys
import zlib

MAX_FILE = 1 << 20
AUTHORS = [
    ("Ada Byron", "ada@example.com"),
    ("Brian Kern", "bk@example.com"),
    ("Chen Wei", "chen.wei@example.com"),
    ("Dana Okafor", "dana@example.com"),
    ("Erik Lund", "erik.lund@example.com"),
    ("Fatima Zahra", "fz@example.com"),
    ("Goran Ilic", "goran@example.com"),
    ("Hana Sato", "hana.sato@example.com"),
    ("Ivan Petrov", "ivan@example.com"),
    ("Julia Costa", "julia@example.com"),
]

out = sys.stdout.buffer
rng = random.Random(20260101)


def emit(s):
    out.write(s.encode() if isinstance(s, str) else s)


# ------------------------------------------------------------------ blobs and marks
next_mark = [0]
blob_marks = {}  # sha1 of content -> mark


def mark():
    next_mark[0] += 1
    return next_mark[0]


def blob(data):
    key = hashlib.sha1(data).digest()
    m = blob_marks.get(key)
    if m is None:
        m = mark()
        blob_marks[key] = m
        emit(f"blob\nmark :{m}\ndata {len(data)}\n")
        emit(data)
        emit("\n")
    return m


# ------------------------------------------------------------------ branches and commits
class Branch:
    def __init__(self, name, state, tip):
        self.name = name
        self.state = state  # path -> blob mark
        self.tip = tip  # commit mark or None
        self.changed = set()  # paths touched since the fork (feature branches)


clock = [1420070400]  # 2015-01-01
commit_count = [0]


def tick(mean=7200):
    clock[0] += int(rng.expovariate(1 / mean)) + 60
    return clock[0]


def commit(br, message, ops, merge=None, author=None, when=None):
    """ops: list of ("M", path, mark) / ("D", path) / ("R", old, new)."""
    m = mark()
    name, email = author or rng.choice(AUTHORS)
    t = when or tick()
    msg = message.encode()
    emit(f"commit refs/heads/{br.name}\nmark :{m}\n")
    emit(f"author {name} <{email}> {t} +0000\ncommitter {name} <{email}> {t} +0000\n")
    emit(f"data {len(msg)}\n")
    emit(msg)
    emit("\n")
    if br.tip is not None:
        emit(f"from :{br.tip}\n")
    if merge is not None:
        emit(f"merge :{merge}\n")
    for op in ops:
        if op[0] == "M":
            emit(f"M 100644 :{op[2]} {op[1]}\n")
            br.state[op[1]] = op[2]
            br.changed.add(op[1])
        elif op[0] == "D":
            emit(f"D {op[1]}\n")
            br.state.pop(op[1], None)
            br.changed.add(op[1])
        elif op[0] == "R":
            emit(f"R {op[1]} {op[2]}\n")
            old = op[1] + "/"
            for p in [p for p in br.state if p == op[1] or p.startswith(old)]:
                q = op[2] + p[len(op[1]):]
                br.state[q] = br.state.pop(p)
                br.changed.add(p)
                br.changed.add(q)
    emit("\n")
    br.tip = m
    commit_count[0] += 1
    return m


def tag(name, target, message, when):
    a, e = AUTHORS[0]
    msg = message.encode()
    emit(f"tag {name}\nfrom :{target}\ntagger {a} <{e}> {when} +0000\ndata {len(msg)}\n")
    emit(msg)
    emit("\n")


# ------------------------------------------------------------------ projects from the corpus
def version_key(v):
    return [int(x) if x.isdigit() else x for x in v.replace("-", ".").split(".")]


def split_name(d):
    # "rand_core-0.6.4" -> ("rand_core", "0.6.4"); "azure_core-1.41.0" likewise
    for i in range(len(d) - 1, 0, -1):
        if d[i] == "-" and d[i + 1].isdigit():
            return d[:i], d[i + 1:]
    return d, ""


def list_files(root):
    files = []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        for fn in sorted(fns):
            p = os.path.join(dp, fn)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            if os.path.getsize(p) > MAX_FILE:
                continue
            files.append(os.path.relpath(p, root))
    return files


class Project:
    def __init__(self, prefix, src):
        self.prefix = prefix  # path in the repository
        self.src = src
        self.files = list_files(src)
        self.queue = []  # pending ops: ("add"|"grow", rel, version index)
        self.versions = {}  # rel -> list of contents (last = full file)
        self.upgrades = []  # later versions' source dirs
        self.live = set()  # rel paths present in the repository

    def plan(self):
        adds = []
        grows = []
        for rel in self.files:
            full = read(os.path.join(self.src, rel))
            steps = [full]
            if b"\0" not in full[:8000] and full.count(b"\n") >= 30 and len(full) < 256 * 1024 and rng.random() < 0.35:
                lines = full.splitlines(keepends=True)
                n = rng.choice([2, 2, 3, 4])
                cuts = sorted(rng.sample(range(10, len(lines)), min(n - 1, len(lines) - 10)))
                steps = [b"".join(lines[:c]) for c in cuts] + [full]
                if rng.random() < 0.3 and len(lines) > 40:
                    # a middle block still missing in the next-to-last version
                    a = rng.randrange(5, len(lines) - 20)
                    b = a + rng.randrange(3, min(60, len(lines) - a))
                    steps[-2:-1] = [b"".join(lines[:a] + lines[b:])]
            self.versions[rel] = steps
            adds.append(("add", rel, 0))
            for i in range(1, len(steps)):
                grows.append(("grow", rel, i))
        # growth ops land after their file's add, spread over the project's life
        self.queue = adds
        for g in grows:
            prev = next(i for i, op in enumerate(self.queue) if op[1] == g[1] and op[2] == g[2] - 1)
            self.queue.insert(rng.randrange(prev + 1, len(self.queue) + 1), g)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def load_projects(corpus):
    groups = {}
    for part, prefix in (("rust-vendor", "vendor"), ("python", "python")):
        base = os.path.join(corpus, part)
        for d in sorted(os.listdir(base)):
            if not os.path.isdir(os.path.join(base, d)):
                continue
            name, ver = split_name(d)
            groups.setdefault((prefix, name), []).append((ver, os.path.join(base, d)))
    projects = []
    for (prefix, name), vers in sorted(groups.items()):
        vers.sort(key=lambda v: version_key(v[0]))
        p = Project(f"{prefix}/{name}", vers[0][1])
        p.upgrades = [v[1] for v in vers[1:]]
        projects.append(p)
    rng.shuffle(projects)
    return projects


# ------------------------------------------------------------------ fake secrets
srng = random.Random(424242)


def b64(n):
    return base64.b64encode(bytes(srng.getrandbits(8) for _ in range(n))).decode()


def b62(num, width):
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    s = ""
    while num:
        num, r = divmod(num, 62)
        s = alphabet[r] + s
    return s.rjust(width, "0")


def aws_pair():
    akid = "AKIA" + "".join(srng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    sec = "".join(srng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return akid, sec


def ghp():
    body = "".join(srng.choice(string.ascii_letters + string.digits) for _ in range(30))
    return "ghp_" + body + b62(zlib.crc32(body.encode()), 6)


def slack_bot():
    d = lambda n: "".join(srng.choice(string.digits) for _ in range(n))
    a = "".join(srng.choice(string.ascii_letters + string.digits) for _ in range(24))
    return f"xoxb-{d(12)}-{d(13)}-{a}"


def stripe_live():
    return "sk_live_" + "".join(srng.choice(string.ascii_letters + string.digits) for _ in range(24))


def pem_key():
    body = b64(1190)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n"


# ------------------------------------------------------------------ the replay
def main():
    corpus, expected_path = sys.argv[1], sys.argv[2]
    target = int(sys.argv[3]) if len(sys.argv) > 3 else 24000
    projects = load_projects(corpus)
    files = sum(len(p.files) for p in projects)
    upgrades = sum(len(p.upgrades) for p in projects)
    # about 1.45 file ops per file (a third arrive in pieces): mean ops per commit so that
    # main gets about `target` commits
    per_commit = max(1.0, files * 1.45 / (target * 0.97))
    sys.stderr.write(f"history_replay: {len(projects)} projects, {files} files, "
                     f"{upgrades} upgrades, {per_commit:.2f} ops per commit\n")

    main_br = Branch("main", {}, None)
    expected = []
    pending = list(projects)  # not started
    active = []
    open_branches = []  # (Branch, project, commits left, main commits before merge, merge?)
    upgrade_queue = []  # (due commit, project, src)
    done = []

    # planted secrets: (fraction of main history, action)
    akid, aws_sec = aws_pair()
    gh_a, gh_b = ghp(), ghp()
    acct_key = b64(64)
    slack = slack_bot()
    nb_akid, nb_sec = aws_pair()
    stripe = stripe_live()
    sas_sig = b64(32).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    pem = pem_key()
    plants = {
        int(target * 0.10): "aws_add",
        int(target * 0.12): "aws_remove",
        int(target * 0.20): "gh_add",
        int(target * 0.30): "gh_rotate",
        int(target * 0.60): "gh_remove",
        int(target * 0.35): "conn_add",
        int(target * 0.40): "conn_rename",
        int(target * 0.45): "conn_remove",
        int(target * 0.50): "slack_branch",
        int(target * 0.66): "slack_remove",
        int(target * 0.55): "notebook_branch",
        int(target * 0.70): "sas_add",
        int(target * 0.75): "sas_remove",
        int(target * 0.80): "pem_add",
        int(target * 0.81): "pem_remove",
        int(target * 0.85): "stripe_tag",
    }
    readme = b"# monorepo\n\nVendored dependencies live under vendor/ and python/.\n"
    commit(main_br, "Initial commit", [("M", "README.md", blob(readme))])

    def finish(p):
        # a project whose files are all in: its later releases come due a while later
        done.append(p)
        for src in p.upgrades:
            upgrade_queue.append((commit_count[0] + rng.randrange(300, 3000), p, src))
        p.upgrades = []
        p.versions = {}

    def start():
        p = pending.pop()
        p.plan()
        return p

    def pick_project():
        for p in [p for p in active if not p.queue]:
            active.remove(p)
            finish(p)
        while len(active) < 6 and pending:
            p = start()
            if p.queue:
                active.append(p)
            else:
                finish(p)
        return rng.choice(active) if active else None

    def file_ops(p, k):
        ops = []
        while p.queue and len(ops) < k:
            kind, rel, i = p.queue.pop(0)
            path = f"{p.prefix}/{rel}"
            if kind == "grow" and rel not in p.live:
                continue  # deleted meanwhile
            ops.append(("M", path, blob(p.versions[rel][i])))
            p.live.add(rel)
        return ops

    def upgrade(br, p, src):
        # replace the project's files with a later release: edits, adds, deletes
        new = {rel: read(os.path.join(src, rel)) for rel in list_files(src)}
        ops = []
        for rel in sorted(p.live - set(new)):
            ops.append(("D", f"{p.prefix}/{rel}"))
        for rel, data in sorted(new.items()):
            ops.append(("M", f"{p.prefix}/{rel}", blob(data)))
        p.live = set(new)
        name = os.path.basename(src)
        for i in range(0, len(ops), 40):
            commit(br, f"Upgrade {name} ({i // 40 + 1})", ops[i:i + 40])

    def plant(kind):
        nonlocal readme
        if kind == "aws_add":
            data = (f"# production deploy\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID={akid}\n"
                    f"AWS_SECRET_ACCESS_KEY={aws_sec}\n").encode()
            commit(main_br, "Add deploy settings", [("M", "deploy/prod.env", blob(data))])
            expected.append(("aws", "deploy/prod.env", akid, "file deleted"))
        elif kind == "aws_remove":
            commit(main_br, "Remove deploy settings", [("D", "deploy/prod.env")])
        elif kind in ("gh_add", "gh_rotate", "gh_remove"):
            tok = {"gh_add": gh_a, "gh_rotate": gh_b, "gh_remove": "${{ secrets.GH_TOKEN }}"}[kind]
            data = ("name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  release:\n"
                    f"    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: {tok}\n"
                    "    steps:\n      - uses: actions/checkout@v4\n      - run: gh release create \"$GITHUB_REF_NAME\"\n").encode()
            msg = {"gh_add": "CI: release workflow", "gh_rotate": "CI: rotate release token",
                   "gh_remove": "CI: token from secrets"}[kind]
            commit(main_br, msg, [("M", ".github/workflows/release.yml", blob(data))])
            if kind == "gh_add":
                expected.append(("github_a", ".github/workflows/release.yml", gh_a, "replaced by github_b"))
            elif kind == "gh_rotate":
                expected.append(("github_b", ".github/workflows/release.yml", gh_b, "replaced by a secret reference"))
        elif kind == "conn_add":
            data = ("import os\n\nSTORAGE = (\n    \"DefaultEndpointsProtocol=https;AccountName=contosohist;\"\n"
                    f"    \"AccountKey={acct_key};EndpointSuffix=core.windows.net\"\n)\n").encode()
            commit(main_br, "app: storage settings", [("M", "app/settings.py", blob(data))])
            expected.append(("azure_conn", "app/settings.py", acct_key, "renamed, then edited out"))
        elif kind == "conn_rename":
            commit(main_br, "app: move settings", [("R", "app/settings.py", "app/config/settings.py")])
        elif kind == "conn_remove":
            data = b"import os\n\nSTORAGE = os.environ[\"STORAGE_CONNECTION_STRING\"]\n"
            commit(main_br, "app: settings from the environment", [("M", "app/config/settings.py", blob(data))])
        elif kind == "slack_branch":
            br = Branch("feature/slack-alerts", dict(main_br.state), main_br.tip)
            data = ('{\n  "channel": "#alerts",\n  "username": "deploy-bot",\n'
                    f'  "token": "{slack}"\n}}\n').encode()
            commit(br, "alerts: slack bot config", [("M", "integrations/slack.json", blob(data))])
            commit(br, "alerts: docs", [("M", "integrations/README.md", blob(b"# Slack alerts\n\nSee slack.json.\n"))])
            ops = [("M", p, br.state[p]) for p in sorted(br.changed)]
            commit(main_br, "Merge branch 'feature/slack-alerts'", ops, merge=br.tip)
            expected.append(("slack", "integrations/slack.json", slack, "merged from a branch, deleted on main"))
        elif kind == "slack_remove":
            commit(main_br, "alerts: drop slack", [("D", "integrations/slack.json")])
        elif kind == "notebook_branch":
            br = Branch("experiments/notebooks", dict(main_br.state), main_br.tip)
            cell = (f'import boto3\\n", "s3 = boto3.client(\\"s3\\", aws_access_key_id=\\"{nb_akid}\\", '
                    f'aws_secret_access_key=\\"{nb_sec}\\")\\n')
            data = ('{"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["' + cell + '"]}],'
                    ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n').encode()
            commit(br, "notebook: training data from S3", [("M", "notebooks/train.ipynb", blob(data))])
            open_branches.append(br)  # never merged
            expected.append(("aws_notebook", "notebooks/train.ipynb", nb_akid, "only on an unmerged branch"))
        elif kind == "sas_add":
            url = ("https://contosohist.blob.core.windows.net/?sv=2022-11-02&ss=bfqt&srt=sco"
                   f"&sp=rwdlacupiytfx&se=2051-10-06T07:00:00Z&st=2024-10-05T23:00:00Z&spr=https&sig={sas_sig}")
            readme_sas = readme + f"\nSample data: `azcopy copy '{url}' ./data --recursive`\n".encode()
            commit(main_br, "README: sample data link", [("M", "README.md", blob(readme_sas))])
            expected.append(("azure_sas", "README.md", sas_sig[:24], "README edited back"))
        elif kind == "sas_remove":
            commit(main_br, "README: remove data link", [("M", "README.md", blob(readme))])
        elif kind == "pem_add":
            commit(main_br, "certs: server key for local TLS", [("M", "certs/server.key", blob(pem.encode()))])
            expected.append(("private_key", "certs/server.key", pem.splitlines()[1][:40], "file deleted"))
        elif kind == "pem_remove":
            commit(main_br, "certs: remove key", [("D", "certs/server.key")])
        elif kind == "stripe_tag":
            br = Branch("release-build", dict(main_br.state), main_br.tip)
            data = f"window.__billing = {{ key: \"{stripe}\" }};\n".encode()
            m = commit(br, "release: build artefacts", [("M", "dist/config.js", blob(data))])
            tag("v2.0.0-rc1", m, "release candidate (built)", clock[0])
            # build-history-repo.sh deletes the branch: only the tag keeps the commit
            expected.append(("stripe_tag", "dist/config.js", stripe, "only under an annotated tag"))

    main_commits = 1
    next_tag = 2000
    feature_every = 1500
    feature_no = 0
    while True:
        if plants and min(plants) <= main_commits:
            plant(plants.pop(min(plants)))
            main_commits += 1
            continue
        # due upgrades of crates present in several versions
        due = [u for u in upgrade_queue if u[0] <= commit_count[0]]
        if due:
            u = due[0]
            upgrade_queue.remove(u)
            upgrade(main_br, u[1], u[2])
            main_commits += 1
            continue
        # a feature branch every ~1500 main commits, on a project of its own
        if main_commits % feature_every == feature_every // 2 and pending:
            feature_no += 1
            p = start()
            br = Branch(f"feature/{os.path.basename(p.prefix)}", dict(main_br.state), main_br.tip)
            n = rng.randrange(5, 40)
            while n and p.queue:
                commit(br, f"{os.path.basename(p.prefix)}: work in progress", file_ops(p, rng.randrange(1, 8)))
                n -= 1
            if feature_no % 4 == 0:
                open_branches.append(br)  # abandoned branch: never merged
                p.queue = []
            else:
                # main moves on meanwhile, then the branch is merged
                for _ in range(rng.randrange(2, 10)):
                    q = pick_project()
                    if q is None:
                        break
                    commit(main_br, f"{os.path.basename(q.prefix)}: update", file_ops(q, 3))
                    main_commits += 1
                ops = [("M", path, br.state[path]) if path in br.state else ("D", path) for path in sorted(br.changed)]
                commit(main_br, f"Merge branch '{br.name}'", ops, merge=br.tip)
                if p.queue:
                    active.append(p)
                else:
                    finish(p)
            main_commits += 1
            continue
        if main_commits >= next_tag:
            tag(f"v0.{next_tag // 2000}.0", main_br.tip, f"release 0.{next_tag // 2000}.0", clock[0])
            next_tag += 2000
        p = pick_project()
        if p is None and not upgrade_queue and not plants:
            break
        if p is None:
            # nothing left to add: let the remaining upgrades and plants come due
            if upgrade_queue:
                upgrade_queue.sort(key=lambda u: u[0])
                u = upgrade_queue.pop(0)
                upgrade(main_br, u[1], u[2])
            else:
                plant(plants.pop(min(plants)))
            main_commits += 1
            continue
        r = rng.random()
        if r < 0.012 and p.live:
            rel = rng.choice(sorted(p.live))
            p.live.discard(rel)
            commit(main_br, f"{os.path.basename(p.prefix)}: remove {os.path.basename(rel)}", [("D", f"{p.prefix}/{rel}")])
        elif r < 0.014 and p.live:
            rel = rng.choice(sorted(p.live))
            new = os.path.join(os.path.dirname(rel), "legacy", os.path.basename(rel))
            if new not in p.live and f"{p.prefix}/{new}" not in main_br.state:
                commit(main_br, f"{os.path.basename(p.prefix)}: move {os.path.basename(rel)}", [("R", f"{p.prefix}/{rel}", f"{p.prefix}/{new}")])
                p.live.discard(rel)
                p.live.add(new)
                p.versions[new] = p.versions.pop(rel)
                p.queue = [(k, new if x == rel else x, i) for (k, x, i) in p.queue]
        elif r < 0.0145 and p.live:
            old = p.prefix
            p.prefix = old + "-rs" if old.startswith("vendor/") else old + "-sdk"
            if not any(s.startswith(p.prefix + "/") for s in main_br.state):
                commit(main_br, f"Rename {old} to {p.prefix}", [("R", old, p.prefix)])
            else:
                p.prefix = old
        else:
            k = max(1, min(12, int(rng.expovariate(1 / per_commit) + 0.5)))
            ops = file_ops(p, k)
            if rng.random() < 0.2:
                q = pick_project()
                if q is not None and q is not p:
                    ops += file_ops(q, 1)
            if not ops:
                continue
            what = "add" if all(o[1] not in main_br.state for o in ops) else "update"
            commit(main_br, f"{os.path.basename(p.prefix)}: {what} {os.path.basename(ops[0][1])}", ops)
        main_commits += 1

    emit("checkpoint\n")
    with open(expected_path, "w") as f:
        f.write("# id\tpath\tsecret (or a unique part of it)\thow it left HEAD\n")
        for e in expected:
            f.write("\t".join(e) + "\n")
    sys.stderr.write(f"history_replay: {commit_count[0]} commits ({main_commits} on main), "
                     f"{len(blob_marks)} distinct blobs, {len(expected)} planted secrets\n")


if __name__ == "__main__":
    main()
