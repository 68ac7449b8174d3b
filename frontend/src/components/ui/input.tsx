import type { ComponentProps } from "react";
import { cn } from "../../lib/cn";

/** A text input with the app's `.input` look (src/index.css). */
export function Input({ className, type = "text", ...props }: ComponentProps<"input">) {
  return <input type={type} className={cn("input h-9", className)} {...props} />;
}
