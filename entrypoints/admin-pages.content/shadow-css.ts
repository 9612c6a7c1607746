import uiCss from '../../components/ui.css?inline';
import popoverCss from './popover.css?inline';

/** The popover's and the page notice's styles inside their shadow roots: ui.css on the host. */
export const SHADOW_CSS = `${uiCss.replaceAll(':root', ':host')}\n${popoverCss}`;
