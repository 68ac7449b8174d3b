import { type ComponentProps, type RefObject, useEffect, useRef, useState } from "react";

/** Whether the element's content is larger than its box, kept current as it resizes or its rows change. */
function useOverflows(ref: RefObject<HTMLElement | null>): boolean {
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () =>
      setOverflows(element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1);
    measure();
    const resize = new ResizeObserver(measure);
    resize.observe(element);
    if (element.firstElementChild) resize.observe(element.firstElementChild);
    const mutations = new MutationObserver(measure);
    mutations.observe(element, { childList: true, subtree: true });
    return () => {
      resize.disconnect();
      mutations.disconnect();
    };
  }, [ref]);
  return overflows;
}

type ScrollRegionProps = ComponentProps<"div"> & {
  /** What the box holds, read out when a keyboard user focuses it ("Leaderboard", "Column statistics"). */
  label: string;
};

/** A box that scrolls its own content (a wide table, a long log) instead of the page. While its content overflows
 * it is a named, focusable region, so keyboard users can scroll it with the arrow keys (WCAG 2.1.1); otherwise it is
 * a plain div and no extra Tab stop. */
export function ScrollRegion({ label, children, className = "", ...props }: ScrollRegionProps) {
  const ref = useRef<HTMLDivElement>(null);
  const overflows = useOverflows(ref);
  return (
    <div
      ref={ref}
      {...props}
      // relative: absolutely placed content (a visually hidden header label) is clipped here too, instead of
      // widening the page from outside the box.
      className={`relative ${className}`}
      {...(overflows ? { tabIndex: 0, role: "region", "aria-label": label } : {})}
    >
      {children}
    </div>
  );
}
