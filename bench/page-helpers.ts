/**
 * Helpers the benchmarks define inside the page, as source text to splice into the strings they
 * evaluate (a string, not a function: tsx would add helpers the page lacks to a function).
 *   deep(root, selector)     the first match, looking through shadow roots
 *   deepAll(root, selector)  every match, looking through shadow roots
 */
export const DEEP = `
  const deep = (root, selector) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && deep(el.shadowRoot, selector);
      if (inner) return inner;
    }
    return null;
  };
  const deepAll = (root, selector, out = []) => {
    out.push(...root.querySelectorAll(selector));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) deepAll(el.shadowRoot, selector, out);
    return out;
  };`;
