import { createBrowserRouter } from "react-router";
import { Layout } from "./components/Layout";
import { Loading } from "./components/States";
import { RequireAuth } from "./features/auth/components/RequireAuth";
import { HomePage } from "./routes/HomePage";
import { LoginPage } from "./routes/LoginPage";
import { NotFoundPage } from "./routes/NotFoundPage";

// Pages past the first load in their own chunks (the job monitor carries Recharts). /login is the one public page;
// every other one sits behind RequireAuth, which sends a signed-out visitor to /login?next=<that page>.
export const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  {
    element: <RequireAuth />,
    // Shown while a lazy page's chunk loads on the first navigation.
    hydrateFallbackElement: <Loading />,
    children: [
      {
        path: "/",
        element: <Layout />,
        children: [
          { index: true, element: <HomePage /> },
          { path: "data", lazy: async () => ({ Component: (await import("./routes/DataPage")).DataPage }) },
          { path: "train", lazy: async () => ({ Component: (await import("./routes/TrainPage")).TrainPage }) },
          { path: "jobs", lazy: async () => ({ Component: (await import("./routes/JobsPage")).JobsPage }) },
          { path: "jobs/:id", lazy: async () => ({ Component: (await import("./routes/JobPage")).JobPage }) },
          { path: "models", lazy: async () => ({ Component: (await import("./routes/ModelsPage")).ModelsPage }) },
          { path: "models/:id", lazy: async () => ({ Component: (await import("./routes/ModelPage")).ModelPage }) },
          { path: "compare", lazy: async () => ({ Component: (await import("./routes/ComparePage")).ComparePage }) },
          { path: "workflows", lazy: async () => ({ Component: (await import("./routes/WorkflowsPage")).WorkflowsPage }) },
          {
            path: "workflows/:id",
            lazy: async () => ({ Component: (await import("./routes/WorkflowEditorPage")).WorkflowEditorPage }),
          },
          { path: "projects", lazy: async () => ({ Component: (await import("./routes/ProjectsPage")).ProjectsPage }) },
          { path: "workers", lazy: async () => ({ Component: (await import("./routes/WorkersPage")).WorkersPage }) },
          { path: "logs", lazy: async () => ({ Component: (await import("./routes/LogsPage")).LogsPage }) },
          { path: "account", lazy: async () => ({ Component: (await import("./routes/AccountPage")).AccountPage }) },
          { path: "users", lazy: async () => ({ Component: (await import("./routes/UsersPage")).UsersPage }) },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
