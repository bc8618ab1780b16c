import { mount } from 'svelte';
import Panel from './Panel.svelte';
import { LeadPanelState } from './lead-panel.svelte';
import { connectToLinkedIn } from './tab';

const state = new LeadPanelState();
mount(Panel, { target: document.getElementById('app')!, props: { state } });

void (async () => {
  await state.session.start();
  if (state.session.signedIn) await state.loadAccount();
  connectToLinkedIn(
    (url, reading) => void state.showPage(url, reading),
    (problem) => (state.pageProblem = problem),
  );
})();
