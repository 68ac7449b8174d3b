import type { ButtonHTMLAttributes, ReactNode } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent text-accent-fg hover:opacity-90",
  secondary: "border border-line bg-raised text-fg hover:border-accent/60",
  danger: "border border-danger/50 text-danger hover:bg-danger/10",
  ghost: "text-muted hover:bg-raised hover:text-fg",
};

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  icon?: ReactNode;
}

export function Button({ variant = "primary", icon, className = "", children, type = "button", ...rest }: ButtonProps) {
  return (
    <button
      type={type}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition
        disabled:cursor-not-allowed disabled:opacity-50 ${VARIANTS[variant]} ${className}`}
      {...rest}
    >
      {icon}
      {children}
    </button>
  );
}

export const linkButtonClass =
  "inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium transition";
export const primaryLinkClass = `${linkButtonClass} ${VARIANTS.primary}`;
export const secondaryLinkClass = `${linkButtonClass} ${VARIANTS.secondary}`;
