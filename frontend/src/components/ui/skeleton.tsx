import type { ComponentProps } from "react";
import { cn } from "../../lib/cn";

/** A pulsing grey block standing where content is about to load. */
export function Skeleton({ className, ...props }: ComponentProps<"div">) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-raised", className)} {...props} />;
}
