import type { ReactNode } from "react";
import { Notice } from "./States";
import { CommandBlock } from "./CommandBlock";

interface SecretOnceProps {
  /** What the secret is, in words: "API key", "join token". */
  what: string;
  /** Above the secret, and its accessible name: "API key “laptop”". */
  title: string;
  secret: string;
  /** What to do if it gets lost, and how much it is worth. */
  children: ReactNode;
}

/** A new secret, shown this once with a copy button: the server keeps only a fingerprint of it. */
export function SecretOnce({ what, title, secret, children }: SecretOnceProps) {
  return (
    <div className="space-y-4">
      <Notice>
        <p className="font-medium">Copy the {what} now: it will not be shown again.</p>
        <p className="mt-1 text-muted">{children}</p>
      </Notice>
      <CommandBlock title={title} lines={[secret]} copyLabel={`Copy the ${what}`} />
    </div>
  );
}
