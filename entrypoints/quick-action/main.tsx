import { mountPage } from '../../components/mount-page';
import { sendRequest } from '../../utils/messages/client';
import { App } from './App';

mountPage(<App />, sendRequest);
