"""Training modules: reading them, marking them complete, and which ones an admin made required."""

from __future__ import annotations

from advocacy import audit
from advocacy.clock import Clock
from advocacy.errors import NotFound
from advocacy.programme.models import TrainingCompletion, TrainingModule
from advocacy.users.models import User


async def modules() -> list[TrainingModule]:
    return await TrainingModule.all().order_by("position", "id")


async def module(module_id: int) -> TrainingModule:
    found = await TrainingModule.get_or_none(id=module_id)
    if found is None:
        raise NotFound(f"There is no training module {module_id}.")
    return found


async def completed_ids(user: User) -> set[int]:
    ids = await TrainingCompletion.filter(user_id=user.id).values_list("module_id", flat=True)
    return {int(i) for i in ids}  # type: ignore[call-overload]


async def complete(clock: Clock, user: User, module_id: int) -> TrainingCompletion:
    """Mark a module complete for `user`; marking it again keeps the first completion."""
    found = await module(module_id)
    completion, created = await TrainingCompletion.get_or_create(
        user_id=user.id, module_id=found.id, defaults={"completed_at": clock.now()})
    if created:
        await audit.record(clock, user, "training.complete", f"training:{found.slug}")
    return completion


async def set_required(clock: Clock, actor: User, module_id: int, required: bool) -> TrainingModule:
    """Make a module a condition of sharing (or not) for every ambassador."""
    found = await module(module_id)
    if found.required != required:
        found.required = required
        await found.save(update_fields=["required"])
        await audit.record(clock, actor, "training.required", f"training:{found.slug}",
                           {"required": required})
    return found


async def outstanding_required(user: User) -> list[TrainingModule]:
    """Required modules `user` has not completed yet, in course order."""
    done = await completed_ids(user)
    return [m for m in await TrainingModule.filter(required=True).order_by("position", "id")
            if m.id not in done]
