import { render, type ComponentChild } from 'preact';
import { uiLocale } from '../utils/i18n';
import { configureZod } from '../utils/zod-setup';
import { BackgroundContext, type Send } from './background';
import './ui.css';

/** Starts an extension page: zod set up for the page's CSP, the UI language, the app rendered
 * with its way to reach the background. */
export function mountPage(app: ComponentChild, send: Send, title?: string): void {
  configureZod();
  document.documentElement.lang = uiLocale();
  if (title) document.title = title;
  render(
    <BackgroundContext.Provider value={send}>{app}</BackgroundContext.Provider>,
    document.getElementById('app') as HTMLElement,
  );
}
