"""Accounts: the first admin, sign-in, tokens, API keys, and the admin's user management.

Every credential ends in a `User` row read fresh from SQL, so deactivating a user or raising their token version
takes effect on their very next request, whatever tokens or keys they still hold.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta

from loguru import logger
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from flowml.auth import passwords, tokens
from flowml.auth.oidc import Identity
from flowml.core.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from flowml.core.settings import OidcProvider
from flowml.db.tables import ApiKey, Dataset, Job, TrainedModel, User, Workflow
from flowml.db.tables.users import MAX_USERNAME_LENGTH, USERNAME_PATTERN, Role
from flowml.db.types import utcnow
from flowml.services import admin_password, refresh_tokens
from flowml.services.context import AppContext

WRONG_CREDENTIALS = "Wrong username or password."
SIGN_IN_AGAIN = "Your session has ended; sign in again."
# last_used_at of an API key is written at most this often, so a busy script does not write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# What a user's deletion would take with it: refused while any is left (a workflow is work too).
OWNED = (Dataset, Job, TrainedModel, Workflow)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def is_admin(user: User) -> bool:
    return user.role == "admin"


# Who sees and changes what (owners, admins, project members): services/access.py.


# Argon2 costs a few hundred milliseconds of CPU by design: off the event loop, so a login never stalls other requests.
async def _hash(password: str) -> str:
    return await asyncio.to_thread(passwords.hash_password, password)


async def _verify(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(passwords.verify_password, password_hash, password)


# ------------------------------------------------------------------------------------------------ first start


async def ensure_admin(ctx: AppContext) -> None:
    """Create the first admin when there is no admin at all; rows from before accounts existed become theirs."""
    async with ctx.sessions() as session:
        if (await session.exec(select(User.id).where(User.role == "admin").limit(1))).first() is not None:
            return
        settings = ctx.settings
        password = settings.ADMIN_PASSWORD or passwords.generate_password()
        problem = passwords.password_problem(password)
        if problem:
            raise InvalidInputError(f"FLOWML_ADMIN_PASSWORD: {problem}")
        admin = User(username=settings.ADMIN_USERNAME, role="admin", password_hash=await _hash(password))
        session.add(admin)
        try:
            await session.commit()
        except IntegrityError:
            # Another API process sharing the database created it first, or a member already has that name.
            await session.rollback()
            if (await session.exec(select(User.id).where(User.role == "admin").limit(1))).first() is not None:
                return
            raise ConflictError(
                f"No admin exists and the user '{settings.ADMIN_USERNAME}' is a member; "
                "set ADMIN_USERNAME to a free name, or make that user an admin with `flowml users set-role`."
            ) from None
        for table in OWNED:
            await session.exec(update(table).where(col(table.owner_id).is_(None)).values(owner_id=admin.id))
        await session.commit()
    if settings.ADMIN_PASSWORD:
        logger.info("Created the admin user '{}' with the password from FLOWML_ADMIN_PASSWORD", admin.username)
        return
    admin_password.hand_over(settings, admin.username, password)


# ------------------------------------------------------------------------------------------------ sign-in


async def login(ctx: AppContext, username: str, password: str) -> TokenPair:
    async with ctx.sessions() as session:
        user = (await session.exec(select(User).where(User.username == username))).first()
        if not await _verify(user.password_hash if user else None, password) or user is None:
            raise AuthenticationError(WRONG_CREDENTIALS)
        if not user.is_active:
            raise AuthenticationError("This account is deactivated; ask an admin.")
        if user.password_hash and passwords.needs_rehash(user.password_hash):
            user.password_hash = await _hash(password)
        user.last_login_at = utcnow()
        session.add(user)
        await session.commit()
        await session.refresh(user)
    return await issue_pair(ctx, user)


async def issue_pair(ctx: AppContext, user: User) -> TokenPair:
    """The tokens of a new sign-in: its refresh token starts a family of its own (services/refresh_tokens.py)."""
    pair, refresh_token = _new_pair(ctx, user)
    await refresh_tokens.start_family(ctx, user.id, refresh_token)
    return pair


async def refresh(ctx: AppContext, refresh_token: str) -> TokenPair:
    """A new pair for a refresh token, which is thereby used up: presented again, it ends its whole sign-in."""
    claims = _claims(ctx, refresh_token, "refresh")
    user = await _user_for(ctx, claims)
    pair, successor = _new_pair(ctx, user)
    await refresh_tokens.rotate(ctx, claims.token_id, successor, user.id)
    return pair


def _new_pair(ctx: AppContext, user: User) -> tuple[TokenPair, tokens.IssuedToken]:
    settings = ctx.settings
    access_life = timedelta(minutes=settings.ACCESS_TOKEN_MINUTES)
    access = tokens.issue(ctx.signing_key, user.id, user.token_version, "access", access_life)
    refresh_life = timedelta(days=settings.REFRESH_TOKEN_DAYS)
    refresh_token = tokens.issue(ctx.signing_key, user.id, user.token_version, "refresh", refresh_life)
    pair = TokenPair(
        access_token=access.token,
        refresh_token=refresh_token.token,
        expires_in=int(access_life.total_seconds()),
        user=user,
    )
    return pair, refresh_token


async def authenticate(ctx: AppContext, credential: str | None) -> User:
    """The active user a bearer credential (access token or API key) belongs to, or a 401 saying why not."""
    if not credential:
        raise AuthenticationError("Sign in first: send 'Authorization: Bearer <access token or API key>'.")
    if credential.startswith(tokens.API_KEY_PREFIX):
        return await _user_from_api_key(ctx, credential)
    return await _user_for(ctx, _claims(ctx, credential, "access"))


def _claims(ctx: AppContext, token: str, token_type: tokens.TokenType) -> tokens.TokenClaims:
    try:
        return tokens.read(ctx.signing_key, token, token_type)
    except tokens.InvalidToken as exc:
        raise AuthenticationError(f"{str(exc).capitalize()}; sign in again.") from None


async def _user_for(ctx: AppContext, claims: tokens.TokenClaims) -> User:
    async with ctx.sessions() as session:
        user = await session.get(User, claims.user_id)
    if user is None or not user.is_active or user.token_version != claims.version:
        raise AuthenticationError(SIGN_IN_AGAIN)
    return user


async def _user_from_api_key(ctx: AppContext, key: str) -> User:
    async with ctx.sessions() as session:
        row = (await session.exec(select(ApiKey).where(ApiKey.key_hash == tokens.hash_api_key(key)))).first()
        if row is None:
            raise AuthenticationError("Unknown API key: it was revoked, or never existed. Create one in the dashboard.")
        user = await session.get(User, row.user_id)
        if user is None or not user.is_active:
            raise AuthenticationError("The API key's owner is deactivated.")
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
            row.last_used_at = now
            session.add(row)
            await session.commit()
            await session.refresh(user)
    return user


async def sign_out_everywhere(ctx: AppContext, user: User) -> None:
    await _bump_version(ctx, user.id)


async def _bump_version(ctx: AppContext, user_id: str) -> None:
    async with ctx.sessions() as session:
        await session.exec(update(User).where(col(User.id) == user_id).values(token_version=User.token_version + 1))
        await session.commit()


async def change_password(ctx: AppContext, user: User, current: str, new: str) -> None:
    if not await _verify(user.password_hash, current):
        raise InvalidInputError("The current password is wrong.")
    await set_password(ctx, user.id, new)


async def set_password(ctx: AppContext, user_id: str, password: str) -> None:
    """A new password; every token issued before it stops working (API keys stay: they are revoked one by one)."""
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInputError(problem)
    async with ctx.sessions() as session:
        user = await _get(session, user_id)
        old_hash, user.password_hash = user.password_hash, await _hash(password)
        user.token_version += 1
        session.add(user)
        await session.commit()
    await admin_password.discard_if_replaced(ctx.settings, old_hash)


async def sign_in_with(ctx: AppContext, provider: OidcProvider, identity: Identity) -> User:
    """The account of an outside identity: the one linked to it, else the member named after its verified email
    (linked now), else a new member when the email's domain is allowed; anyone else is told to ask an admin.
    An admin's account is never linked by email: whoever controls an address at the provider would become admin
    (api/routes/oidc.py has the link an admin makes while signed in)."""
    email = identity.email if identity.email_verified else None
    async with ctx.sessions() as session:
        user = (await session.exec(select(User).where(User.oidc_identity == identity.key))).first()
        if user is None and email:
            user = (await session.exec(select(User).where(func.lower(User.username) == email))).first()
            if user is not None and user.oidc_identity is not None:
                raise AuthenticationError(f"The account '{user.username}' is linked to another sign-in already.")
            if user is not None and is_admin(user):
                raise AuthenticationError(
                    f"'{user.username}' is an admin account, which FlowML never links to a sign-in provider by "
                    f"email alone. Sign in with your password, then link '{provider.name}' on the Account page."
                )
        if user is None:
            domain = email.rpartition("@")[2] if email else None
            if not email or domain not in {d.lower() for d in provider.allowed_domains}:
                who = email or "this account (its provider gave no verified email)"
                raise AuthenticationError(
                    f"No FlowML account for {who}. Ask an admin to create a user named after your email address."
                )
            user = User(username=email[:64], role="member")
        if not user.is_active:
            raise AuthenticationError("This account is deactivated; ask an admin.")
        user.oidc_identity = identity.key
        user.last_login_at = utcnow()
        session.add(user)
        try:
            await session.commit()
        except IntegrityError:
            raise ConflictError(f"The username '{user.username}' is taken; ask an admin to link it.") from None
        await session.refresh(user)
    logger.info("user '{}' signed in with {}", user.username, provider.name)
    return user


async def link_identity(ctx: AppContext, user_id: str, provider: OidcProvider, identity: Identity) -> User:
    """Link an outside identity to the signed-in user who asked for it (their consent), replacing any earlier link."""
    async with ctx.sessions() as session:
        user = await session.get(User, user_id)
        if user is None or not user.is_active:
            raise AuthenticationError(SIGN_IN_AGAIN)
        holder = (await session.exec(select(User).where(User.oidc_identity == identity.key))).first()
        if holder is not None and holder.id != user.id:
            raise ConflictError(f"This '{provider.name}' account is linked to another FlowML user already.")
        user.oidc_identity = identity.key
        session.add(user)
        await session.commit()
        await session.refresh(user)
    logger.info("user '{}' linked a sign-in with {}", user.username, provider.name)
    return user


# ------------------------------------------------------------------------------------------------ API keys


async def list_keys(ctx: AppContext, user: User) -> list[ApiKey]:
    async with ctx.sessions() as session:
        query = select(ApiKey).where(ApiKey.user_id == user.id).order_by(col(ApiKey.created_at).desc())
        return list((await session.exec(query)).all())


async def create_key(ctx: AppContext, user: User, name: str) -> tuple[ApiKey, str]:
    secret = tokens.new_api_key()
    row = ApiKey(
        name=name, prefix=secret[: tokens.SHOWN_PREFIX_LENGTH], user_id=user.id, key_hash=tokens.hash_api_key(secret)
    )
    async with ctx.sessions() as session:
        session.add(row)
        await session.commit()
        await session.refresh(row)
    return row, secret


async def delete_key(ctx: AppContext, user: User, key_id: str) -> None:
    async with ctx.sessions() as session:
        row = await session.get(ApiKey, key_id)
        if row is None or row.user_id != user.id:
            raise NotFoundError(f"API key {key_id} not found")
        await session.delete(row)
        await session.commit()


# ------------------------------------------------------------------------------------------------ admin


async def list_users(ctx: AppContext) -> list[User]:
    async with ctx.sessions() as session:
        return list((await session.exec(select(User).order_by(col(User.created_at)))).all())


async def create_user(ctx: AppContext, username: str, password: str, role: Role) -> User:
    problem = passwords.password_problem(password)
    if problem:
        raise InvalidInputError(problem)
    if len(username) > MAX_USERNAME_LENGTH or not re.fullmatch(USERNAME_PATTERN, username):
        raise InvalidInputError(
            f"'{username}' cannot be a username: start with a letter or digit, then letters, digits and . _ @ -"
        )
    user = User(username=username, role=role, password_hash=await _hash(password))
    async with ctx.sessions() as session:
        session.add(user)
        try:
            await session.commit()
        except IntegrityError:
            raise ConflictError(f"The username '{username}' is taken.") from None
        await session.refresh(user)
    return user


async def update_user(
    ctx: AppContext,
    actor: User | None,
    user_id: str,
    *,
    role: Role | None,
    is_active: bool | None,
    password: str | None,
) -> User:
    """`actor`: the admin making the change, or None for the master's operator (`flowml users`)."""
    async with ctx.sessions() as session:
        user = await _get(session, user_id)
        old_hash = user.password_hash
        demoted = role is not None and role != "admin" and user.role == "admin"
        deactivated = is_active is False and user.is_active
        if user.role == "admin" and user.is_active and (demoted or deactivated):
            await _refuse_losing_last_admin(session, user)
        if deactivated and actor is not None and user.id == actor.id:
            raise ConflictError("You cannot deactivate yourself; another admin can.")
        if role is not None:
            user.role = role
        if is_active is not None:
            user.is_active = is_active
        if password is not None:
            problem = passwords.password_problem(password)
            if problem:
                raise InvalidInputError(problem)
            user.password_hash = await _hash(password)
        if deactivated or password is not None or demoted:
            user.token_version += 1  # their sessions end now, not when the access token runs out
        session.add(user)
        await session.commit()
        await session.refresh(user)
    if password is not None:
        await admin_password.discard_if_replaced(ctx.settings, old_hash)
    return user


async def delete_user(ctx: AppContext, actor: User, user_id: str) -> None:
    async with ctx.sessions() as session:
        user = await _get(session, user_id)
        if user.id == actor.id:
            raise ConflictError("You cannot delete yourself; another admin can.")
        if user.role == "admin" and user.is_active:
            await _refuse_losing_last_admin(session, user)
        owned = 0
        for table in OWNED:
            query = select(func.count()).select_from(table).where(table.owner_id == user.id)
            owned += (await session.exec(query)).one()
        if owned:
            raise ConflictError(
                f"'{user.username}' still owns {owned} datasets, jobs, models or workflows; deactivate the account "
                "instead, or delete those first."
            )
        # Here, not at the top: projects -> access -> users (is_admin) would be a cycle at import time.
        from flowml.services import projects

        await projects.dissolve_owned_by(session, user.id)
        await session.delete(user)
        await session.commit()


async def _refuse_losing_last_admin(session: AsyncSession, user: User) -> None:
    query = select(func.count()).select_from(User).where(User.role == "admin", User.is_active, User.id != user.id)
    if (await session.exec(query)).one() == 0:
        raise ConflictError(f"'{user.username}' is the last active admin; make another user admin first.")


async def _get(session: AsyncSession, user_id: str) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found")
    return user
