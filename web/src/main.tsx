/**
 * The entry: styles, the app, and (in a secure context only: HTTPS or localhost) the service
 * worker that lets the app start with no connection. On plain HTTP everything else works the
 * same; IndexedDB keeps history and the outbox either way.
 */
import { render } from 'preact';
import './styles.css';
import { loadLanguage } from './i18n';
import { App } from './components/App';
import { boot } from './state/boot';
import './state/notify';

if (window.isSecureContext && 'serviceWorker' in navigator) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}

void loadLanguage()
  .catch(() => undefined)
  .then(() => {
    render(<App />, document.getElementById('app')!);
    return boot();
  });
