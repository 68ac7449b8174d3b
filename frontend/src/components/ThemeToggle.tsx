import { Moon, Sun } from "lucide-react";
import { useState } from "react";
import { applyTheme, storedTheme, type Theme } from "../lib/theme";

/** Dark by default; the choice is kept in localStorage (lib/theme.ts) and applied before the first paint (main.tsx). */
export function ThemeToggle({ expanded = false }: { expanded?: boolean }) {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const next: Theme = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
      className="flex items-center gap-3 rounded-md px-3 py-2 text-sm text-muted hover:bg-raised hover:text-fg"
      title={`Switch to ${next} mode`}
      aria-label={`Switch to ${next} mode`}
    >
      {theme === "dark" ? <Sun className="size-4 shrink-0" aria-hidden /> : <Moon className="size-4 shrink-0" aria-hidden />}
      <span className={expanded ? "inline" : "hidden lg:inline"}>{theme === "dark" ? "Light mode" : "Dark mode"}</span>
    </button>
  );
}
