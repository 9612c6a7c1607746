import { mountPage } from '../../components/mount-page';
import { t } from '../../utils/i18n';
import { sendRequest } from '../../utils/messages/client';
import { App } from './App';

mountPage(<App />, sendRequest, t('options_title'));
