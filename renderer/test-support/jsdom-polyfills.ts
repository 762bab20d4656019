// What jsdom lacks that the window uses: element scrolling (the virtual list) and object URLs.
if (typeof Element !== 'undefined' && !Element.prototype.scrollTo) {
  Element.prototype.scrollTo = function scrollTo(this: Element, a?: ScrollToOptions | number, b?: number) {
    const top = typeof a === 'number' ? b : a?.top;
    if (typeof top === 'number') (this as HTMLElement).scrollTop = top;
  } as Element['scrollTo'];
}
if (typeof URL !== 'undefined' && !URL.createObjectURL) {
  URL.createObjectURL = () => 'blob:test';
  URL.revokeObjectURL = () => undefined;
}
export {};
