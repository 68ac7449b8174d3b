import { type FormEvent, type ReactNode, useId } from "react";
import { ErrorBanner } from "./States";
import { Button } from "./ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "./ui/dialog";

interface FormDialogProps {
  open: boolean;
  /** Also called with false by Cancel and the done button: the place to forget what was typed. */
  onOpenChange: (open: boolean) => void;
  /** The button that opens the dialog. */
  trigger: ReactNode;
  icon?: ReactNode;
  title: ReactNode;
  description: ReactNode;
  /** Wider content, e.g. commands to copy. */
  className?: string;
  /** Above the form and the outcome alike. */
  notice?: ReactNode;
  /** What is wrong (a check before sending, or the server's refusal), above the fields. */
  error: string | null;
  onSubmit: (event: FormEvent) => void;
  pending: boolean;
  /** Besides while pending, e.g. while a required field is empty. */
  submitDisabled?: boolean;
  submitLabel: string;
  /** The submit button's text while the request runs ("Saving…"). */
  pendingLabel: string;
  formClassName?: string;
  /** The fields. */
  children: ReactNode;
  /** Once the form did its work and has something to show (a secret shown once): replaces the form, and a single
   * button closes the dialog. */
  outcome?: { content: ReactNode; closeLabel: string } | null;
}

/** A dialog around one form: fields, the error above them, Cancel and a submit button that says it is working. */
export function FormDialog(props: FormDialogProps) {
  const formId = `${useId()}-form`;
  const close = () => props.onOpenChange(false);
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <DialogTrigger asChild>{props.trigger}</DialogTrigger>
      <DialogContent className={props.className}>
        <DialogHeader>
          <DialogTitle className={props.icon ? "flex items-center gap-2" : undefined}>
            {props.icon}
            {props.title}
          </DialogTitle>
          <DialogDescription>{props.description}</DialogDescription>
        </DialogHeader>
        {props.notice}
        {props.outcome ? (
          props.outcome.content
        ) : (
          <form id={formId} onSubmit={props.onSubmit} className={props.formClassName ?? "space-y-4"}>
            {props.error && <ErrorBanner message={props.error} />}
            {props.children}
          </form>
        )}
        <DialogFooter>
          {props.outcome ? (
            <Button onClick={close}>{props.outcome.closeLabel}</Button>
          ) : (
            <>
              <Button variant="outline" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" form={formId} disabled={props.pending || props.submitDisabled}>
                {props.pending ? props.pendingLabel : props.submitLabel}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
