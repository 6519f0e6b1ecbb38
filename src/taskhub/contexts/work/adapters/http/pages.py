"""A page of domain objects answered as a page of response bodies, its cursor kept."""

from collections.abc import Callable
from typing import Any, TypeVar

from taskhub.platform.http.endpoints import Reply
from taskhub.shared_kernel.pagination import Page

T = TypeVar("T")


def page_reply(page: Page[T], body: Callable[[T], Any]) -> Reply:
    return Reply(body=page.map(body))
