import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { bearer, endSession, startSession, type SessionTokens } from "../../api/auth";
import { api, unwrap } from "../../api/client";
import { queryKeys } from "../../api/queryKeys";
import type {
  ApiKeyCreated,
  ApiKeyPublic,
  AuthProvider,
  LoginRequest,
  PasswordChange,
  TokenPair,
  UserPublic,
} from "../../api/types";
import { toast } from "../../lib/toast";

export const authApi = {
  login: (body: LoginRequest): Promise<TokenPair> => unwrap(api.POST("/api/auth/login", { body })),
  /** `token`: ask with this access token rather than the session's (tokens from an OIDC redirect, not adopted yet). */
  me: (token?: string): Promise<UserPublic> =>
    unwrap(api.GET("/api/auth/me", token ? { headers: { Authorization: bearer(token) } } : {})),
  logout: async (): Promise<void> => {
    await unwrap(api.POST("/api/auth/logout"));
  },
  changePassword: async (body: PasswordChange): Promise<void> => {
    await unwrap(api.POST("/api/auth/password", { body }));
  },
  providers: (): Promise<AuthProvider[]> => unwrap(api.GET("/api/auth/providers")),
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

/** Signs in with the tokens an OIDC redirect brought: they are only adopted once the server names their user. */
export async function signInWithTokens(tokens: SessionTokens): Promise<UserPublic> {
  const user = await authApi.me(tokens.access_token);
  startSession(tokens, user);
  return user;
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
