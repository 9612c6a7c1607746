import { render } from 'preact';
import { BackgroundContext } from '../../components/background';
import '../../components/ui.css';
import { uiLocale } from '../../utils/i18n';
import { sendRequest } from '../../utils/messages/client';
import { configureZod } from '../../utils/zod-setup';
import { App } from './App';

configureZod();
document.documentElement.lang = uiLocale();
render(
  <BackgroundContext.Provider value={sendRequest}>
    <App />
  </BackgroundContext.Provider>,
  document.getElementById('app') as HTMLElement,
);
