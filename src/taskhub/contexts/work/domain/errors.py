"""Work's errors."""

from taskhub.shared_kernel.errors import Conflict


class ProjectKeyTaken(Conflict):
    code = "project_key_taken"

    def __init__(self) -> None:
        super().__init__("A project with this key already exists in the organization.")


class LabelNameTaken(Conflict):
    code = "label_name_taken"

    def __init__(self) -> None:
        super().__init__("A label with this name already exists in the organization.")


class DependencyCycle(Conflict):
    code = "dependency_cycle"

    def __init__(self) -> None:
        super().__init__("This dependency would make the tasks wait on each other in a cycle.")


class ParentCycle(Conflict):
    code = "parent_cycle"

    def __init__(self) -> None:
        super().__init__("This parent would make the task its own ancestor.")


class BlockedByDependencies(Conflict):
    code = "blocked_by_dependencies"

    def __init__(self) -> None:
        super().__init__("The task depends on tasks that are neither done nor cancelled.")


class StateInUse(Conflict):
    code = "state_in_use"

    def __init__(
        self, detail: str = "Tasks are in this state; name a state to move them to."
    ) -> None:
        super().__init__(detail)


class StateRequired(Conflict):
    code = "state_required"

    def __init__(self) -> None:
        super().__init__("A project keeps at least one state of category todo and one of done.")


class CycleOverlap(Conflict):
    code = "cycle_overlap"

    def __init__(self) -> None:
        super().__init__("The project has a cycle whose dates overlap these.")
