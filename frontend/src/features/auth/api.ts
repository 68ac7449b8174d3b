import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { endSession, startSession } from "../../api/auth";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type {
  ApiKeyCreated,
  ApiKeyPublic,
  AuthProvider,
  LinkStart,
  LoginRequest,
  OidcSignInPublic,
  PasswordChange,
  TokenPair,
  UserPublic,
} from "../../api/types";
import { toast } from "../../lib/toast";

export const authApi = {
  login: (body: LoginRequest): Promise<TokenPair> => unwrap(api.POST("/api/auth/login", { body })),
  me: (): Promise<UserPublic> => unwrap(api.GET("/api/auth/me")),
  logout: async (): Promise<void> => {
    await unwrap(api.POST("/api/auth/logout"));
  },
  changePassword: async (body: PasswordChange): Promise<void> => {
    await unwrap(api.POST("/api/auth/password", { body }));
  },
  providers: (): Promise<AuthProvider[]> => unwrap(api.GET("/api/auth/providers")),
  // The flow cookie travels by itself (same origin); the generated type lists it, so it is left out explicitly.
  exchangeCode: (code: string): Promise<OidcSignIn> =>
    unwrap(api.POST("/api/auth/oidc/exchange", { body: { code } })),
  startLink: (provider: string): Promise<LinkStart> =>
    unwrap(api.POST("/api/auth/oidc/{provider}/link", { params: { path: { provider } } })),
  keys: (): Promise<ApiKeyPublic[]> => unwrap(api.GET("/api/auth/keys")),
  createKey: (name: string): Promise<ApiKeyCreated> => unwrap(api.POST("/api/auth/keys", { body: { name } })),
  revokeKey: async (id: string): Promise<void> => {
    await unwrap(api.DELETE("/api/auth/keys/{key_id}", { params: { path: { key_id: id } } }));
  },
};

/** Signs in with a username and password. Errors (wrong password, 429) show on the form, not as toasts. */
export function useLogin() {
  return useMutation({
    mutationFn: authApi.login,
    onSuccess: (pair) => startSession(pair, pair.user),
    meta: { silent: true },
  });
}

/** The answer of POST /api/auth/oidc/exchange: a token pair and where the user was going. */
export type OidcSignIn = OidcSignInPublic;

/**
 * Signs in with the one-time code an outside sign-in brought to /login#code=…: the server trades it for tokens only
 * for this browser (its sign-in cookie), once. Resolves to where the user was going (unchecked: see safeNext).
 */
export async function signInWithCode(code: string): Promise<string> {
  const answer = await authApi.exchangeCode(code);
  startSession(answer, answer.user);
  return answer.next;
}

/** Links a provider to the signed-in account: the server answers where to go, a full-page trip to the provider. */
export function useStartLink() {
  return useMutation({
    mutationFn: authApi.startLink,
    onSuccess: (answer) => window.location.assign(answer.redirect_url),
    meta: { silent: true },
  });
}

/**
 * Signs out everywhere (the server revokes every refresh token of the user), then forgets the tokens here. The
 * tokens go even when the server cannot be reached: the user asked to leave this browser.
 */
export async function signOut(): Promise<void> {
  try {
    await authApi.logout();
  } catch {
    // Already expired, or the server is down: nothing more to revoke from here.
  }
  endSession({ byUser: true });
}

/** Identity providers configured on the server (usually none). */
export function useProviders() {
  return useQuery({
    queryKey: queryKeys.auth.providers,
    queryFn: authApi.providers,
    staleTime: Infinity,
    meta: { silent: true },
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: authApi.changePassword, meta: { silent: true } });
}

export function useApiKeys() {
  return useQuery({ queryKey: queryKeys.auth.keys(), queryFn: authApi.keys });
}

/** Errors show in the dialog (`meta.silent`); the key in the answer is shown once by the caller. */
export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: authApi.createKey,
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.auth.keys() }),
    meta: { silent: true },
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (key: ApiKeyPublic) => authApi.revokeKey(key.id),
    onSuccess: (_answer, key) => {
      void client.invalidateQueries({ queryKey: queryKeys.auth.keys() });
      toast.success(`API key "${key.name}" revoked: programs using it are refused from now on.`);
    },
  });
}
