"""Labels of an organization: unique names ignoring case, colours like #rrggbb."""

import copy

import pytest

from taskhub.contexts.work.application.labels import ChangeLabel
from taskhub.contexts.work.domain.errors import LabelNameTaken
from taskhub.shared_kernel.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from taskhub.shared_kernel.ids import new_id
from taskhub.shared_kernel.pagination import PageRequest
from tests.unit.work.conftest import START, Work


def live_names(work: Work) -> list[str]:
    return sorted(label.name for label in work.store.labels.values() if label.deleted_at is None)


def test_a_created_label_is_stored_and_listed(work: Work) -> None:
    label = work.labels.create(work.member, name="Bug", color="#D73A4A")
    stored = work.store.labels[label.id]
    assert (stored.org_id, stored.name, stored.color, stored.version) == (
        work.org_id,
        "Bug",
        "#d73a4a",
        1,
    )
    assert stored.created_at == START
    assert work.labels.page(work.member, PageRequest()).items == [stored]


@pytest.mark.parametrize("name", ["bug", "BUG", "Bug", " bug ", "bUg"])
def test_a_name_is_taken_ignoring_case(work: Work, name: str) -> None:
    work.label("Bug")
    with pytest.raises(LabelNameTaken) as caught:
        work.labels.create(work.member, name=name, color="#000000")
    assert isinstance(caught.value, Conflict)
    assert caught.value.code == "label_name_taken"
    assert live_names(work) == ["Bug"]


def test_names_are_unique_per_organization_and_among_live_labels(work: Work) -> None:
    gone = work.label("Legacy")
    work.labels.delete(work.member, gone.id, expected_version=None)
    work.label("legacy")
    work.labels.create(work.join(org_id=new_id()), name="LEGACY", color="#000000")
    assert live_names(work) == ["LEGACY", "legacy"]


def test_a_rename_to_a_taken_name_is_refused_and_changes_nothing(work: Work) -> None:
    work.label("Bug")
    feature = work.label("Feature")
    before = copy.deepcopy(work.store)
    with pytest.raises(LabelNameTaken):
        work.labels.change(work.member, feature.id, ChangeLabel(name="BUG"))
    assert work.store.labels == before.labels
    assert work.store.events == before.events


def test_a_label_may_take_its_own_name_in_another_case(work: Work) -> None:
    label = work.label("bug")
    work.labels.change(work.member, label.id, ChangeLabel(name="Bug", expected_version=1))
    stored = work.store.labels[label.id]
    assert (stored.name, stored.version) == ("Bug", 2)


@pytest.mark.parametrize(
    "color", ["d73a4a", "#d73a4", "#d73a4a0", "#gggggg", "red", "", "#D73A4A ", "# d73a4"]
)
def test_a_malformed_colour_is_refused_on_the_color_field(work: Work, color: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        work.labels.create(work.member, name="Bug", color=color)
    assert [e.field for e in caught.value.errors] == ["color"]
    assert work.store.labels == {}
    label = work.label("Ok", "#000000")
    with pytest.raises(ValidationFailed) as caught:
        work.labels.change(work.member, label.id, ChangeLabel(color=color))
    assert [e.field for e in caught.value.errors] == ["color"]
    assert work.store.labels[label.id].color == "#000000"


def test_a_blank_name_is_refused_on_the_name_field(work: Work) -> None:
    with pytest.raises(ValidationFailed) as caught:
        work.labels.create(work.member, name="  ", color="#000000")
    assert [e.field for e in caught.value.errors] == ["name"]
    assert work.store.labels == {}


def test_a_colour_in_other_case_is_no_change(work: Work) -> None:
    label = work.label("Bug", "#d73a4a")
    work.labels.change(work.member, label.id, ChangeLabel(color="#D73A4A"))
    assert work.store.labels[label.id].version == 1
    assert work.actions() == ["label.created"]


def test_a_stale_version_is_refused_and_changes_nothing(work: Work) -> None:
    label = work.label("Bug")
    work.labels.change(work.member, label.id, ChangeLabel(color="#ffffff", expected_version=1))
    before = copy.deepcopy(work.store)
    with pytest.raises(PreconditionFailed):
        work.labels.change(work.member, label.id, ChangeLabel(name="Defect", expected_version=1))
    with pytest.raises(PreconditionFailed):
        work.labels.delete(work.member, label.id, expected_version=1)
    assert work.store.labels == before.labels
    assert work.store.events == before.events


def test_a_deleted_label_is_gone(work: Work) -> None:
    label = work.label("Bug")
    work.labels.delete(work.member, label.id, expected_version=1)
    assert work.store.labels[label.id].deleted_at is not None
    assert work.labels.page(work.member, PageRequest()).items == []
    with pytest.raises(NotFound):
        work.labels.change(work.member, label.id, ChangeLabel(name="X"))
    with pytest.raises(NotFound):
        work.labels.delete(work.member, label.id, expected_version=None)


def test_labels_of_other_organizations_are_not_found(work: Work) -> None:
    label = work.label("Bug")
    stranger = work.join(org_id=new_id())
    with pytest.raises(NotFound):
        work.labels.change(stranger, label.id, ChangeLabel(name="Mine"))
    assert work.labels.page(stranger, PageRequest()).items == []
    assert work.store.labels[label.id].name == "Bug"
