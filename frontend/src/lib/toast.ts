import { useSyncExternalStore } from "react";

// Toasts are client state, not server state: a tiny external store that the query client can reach.

export type ToastTone = "error" | "success" | "info";

export interface Toast {
  id: number;
  tone: ToastTone;
  message: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((item) => item.id !== id);
  emit();
}

function push(tone: ToastTone, message: string, timeoutMs: number): void {
  // The same message twice in a row (a failing poll) shows once.
  if (toasts.some((item) => item.message === message && item.tone === tone)) return;
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, tone, message }];
  emit();
  window.setTimeout(() => dismissToast(id), timeoutMs);
}

export const toast = {
  error: (message: string) => push("error", message, 8000),
  success: (message: string) => push("success", message, 4000),
  info: (message: string) => push("info", message, 4000),
};

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(
    subscribe,
    () => toasts,
    () => toasts,
  );
}
