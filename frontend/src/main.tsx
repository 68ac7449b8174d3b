import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router/dom";
import { restoreSession } from "./api/auth";
import { parseAuthFragment } from "./features/auth/fragment";
import { LOGIN_PATH } from "./features/auth/next";
import "./index.css";
import { createQueryClient } from "./lib/queryClient";
import { applyTheme, storedTheme } from "./lib/theme";
import { router } from "./router";

applyTheme(storedTheme());
const queryClient = createQueryClient();
// Sign back in with the stored refresh token while the first page loads, unless an OIDC redirect just brought a
// sign-in code in the fragment: the login page trades it, and a refresh of the old session would race it.
const providerCode = window.location.pathname === LOGIN_PATH && parseAuthFragment(window.location.hash)?.kind === "code";
if (!providerCode) void restoreSession();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
