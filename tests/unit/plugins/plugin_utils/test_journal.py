"""Appending journal lines on the controller (plugin_utils/journal.py): one locked write per task, who ran it, and a
journal that cannot be written fails the task with its lines kept."""
import json
import multiprocessing
import os

from ansible_collections.csp.exchange.plugins.plugin_utils import journal


def entries(count, tag, size=3000):
    return [dict(identity="%s-%d" % (tag, i), after={"CustomAttribute1": tag * size}) for i in range(count)]


def test_who_names_the_controller_user_and_the_awx_job():
    assert set(journal.who({})) == {"controller"}
    assert journal.who({"awx_user_name": "alice", "awx_job_id": 42}) == dict(
        controller=journal.who({})["controller"], job_user="alice", job_id="42")
    assert journal.who({"tower_user_name": "bob", "tower_job_id": 7})["job_user"] == "bob"


def test_record_appends_and_removes_the_internal_key(tmp_path):
    path = str(tmp_path / "sub" / "journal.jsonl")
    result = {"changed": True, "_csp_journal": {"path": path, "entries": entries(2, "a", 10)}}
    assert journal.record(result, {"awx_job_id": 1}) == {"changed": True}
    lines = [json.loads(x) for x in open(path)]
    assert [x["identity"] for x in lines] == ["a-0", "a-1"] and lines[0]["user"]["job_id"] == "1"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert oct(os.stat(os.path.dirname(path)).st_mode & 0o777) == "0o700"


def test_an_unwritable_journal_fails_the_task_and_keeps_the_lines(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    path = str(blocker / "journal.jsonl")          # a file where a directory should be
    result = journal.record({"changed": True, "_csp_journal": {"path": path, "entries": entries(1, "b", 5)}}, {})
    assert result["failed"] and "could not be written" in result["msg"]
    assert json.loads(result["journal_lines"][0])["identity"] == "b-0"


def _writer(path, tag):
    for dummy in range(5):
        journal.append(path, journal.lines_of(entries(4, tag), {"controller": "t"}))


def test_concurrent_appends_never_interleave(tmp_path):
    path = str(tmp_path / "journal.jsonl")
    workers = [multiprocessing.Process(target=_writer, args=(path, tag)) for tag in "abcdefgh"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    lines = [json.loads(x) for x in open(path)]
    assert len(lines) == 8 * 5 * 4
    for x in lines:
        assert x["after"]["CustomAttribute1"] == x["identity"][0] * 3000
