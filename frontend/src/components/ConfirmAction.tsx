import type { ReactNode } from "react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./ui/alert-dialog";
import { Button, type ButtonProps } from "./ui/button";

interface ConfirmActionProps {
  /** The button that opens the question; its text is its accessible name. */
  label: string;
  /** Read to screen readers after the label only, e.g. which of several rows the button acts on. */
  hiddenLabel?: string;
  icon?: ReactNode;
  variant?: ButtonProps["variant"];
  size?: ButtonProps["size"];
  className?: string;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  dismissLabel: string;
  pending?: boolean;
  onConfirm: () => void;
}

/** A button that asks before it acts: for actions that cannot be undone. */
export function ConfirmAction(props: ConfirmActionProps) {
  const { label, hiddenLabel, icon, variant = "secondary", size, className, title, description, pending = false } = props;
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button variant={variant} size={size} className={className} disabled={pending}>
          {icon}
          {label}
          {hiddenLabel && <span className="sr-only"> {hiddenLabel}</span>}
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>{title}</AlertDialogTitle>
          <AlertDialogDescription>{description}</AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>{props.dismissLabel}</AlertDialogCancel>
          <AlertDialogAction onClick={props.onConfirm}>{props.confirmLabel}</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
