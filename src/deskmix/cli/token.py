"""``deskmix token``: the bearer tokens the REST API accepts for writes.

The secret is printed once, at creation; the store keeps only its SHA-256, so a lost token is
revoked and replaced, never recovered.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from deskmix.api.tokens import SCOPES, create_token, list_tokens, revoke_token
from deskmix.cli.common import DbOption, console, err_console, store_for, user_errors

app = typer.Typer(
    help="API tokens: create (secret shown once), list, revoke.", no_args_is_help=True
)


@app.command("create")
@user_errors
def create_command(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the token.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help=f"Repeatable: {', '.join(SCOPES)}."),
    ],
    db: DbOption = None,
) -> None:
    """Create a token and print its secret (only now; the store keeps a hash)."""
    store = store_for(db)
    try:
        secret, info = create_token(store, name, scope)
    finally:
        store.dispose()
    err_console.print(
        f"token #{info.id} '{info.name}' with scopes {', '.join(sorted(info.scopes))}; "
        "the secret below is shown only now:",
        highlight=False,
    )
    typer.echo(secret)


@app.command("list")
@user_errors
def list_command(db: DbOption = None) -> None:
    """List tokens (names, scopes, dates; never secrets)."""
    store = store_for(db, create=False)
    try:
        tokens = list_tokens(store)
    finally:
        store.dispose()
    table = Table(title="API tokens")
    for column in ("#", "name", "scopes", "created", "revoked"):
        table.add_column(column)
    for t in tokens:
        table.add_row(
            str(t.id),
            t.name,
            " ".join(sorted(t.scopes)),
            t.created_at.strftime("%Y-%m-%d %H:%M UTC"),
            t.revoked_at.strftime("%Y-%m-%d %H:%M UTC") if t.revoked_at else "",
        )
    console.print(table)


@app.command("revoke")
@user_errors
def revoke_command(
    token_id: Annotated[int, typer.Argument(help="The token's number (see 'token list').")],
    db: DbOption = None,
) -> None:
    """Revoke a token: requests with it get 401 from then on."""
    store = store_for(db, create=False)
    try:
        info = revoke_token(store, token_id)
    finally:
        store.dispose()
    console.print(f"token #{info.id} '{info.name}' revoked")
