// Spawn page: follows the server's progress event stream and opens the server when it is ready.
const section = document.getElementById('spawn');
if (section && section.dataset.failed !== 'true') {
  const user = section.dataset.user;
  const next = section.dataset.next;
  const bar = document.getElementById('spawn-progress');
  const log = document.getElementById('spawn-log');
  const error = document.getElementById('spawn-error');
  const source = new EventSource(`/hub/api/users/${encodeURIComponent(user)}/server/progress`);
  let seen = log.children.length;
  let index = 0;
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    index += 1;
    if (index > seen) {
      const item = document.createElement('li');
      item.textContent = event.message.split('\n')[0];
      log.appendChild(item);
      seen = index;
    }
    bar.value = event.progress;
    bar.textContent = `${event.progress}%`;
    if (event.ready) {
      source.close();
      window.location.assign(next);
    } else if (event.failed) {
      source.close();
      error.textContent = event.message.split('\n')[0];
      error.hidden = false;
      window.location.reload();
    }
  };
  source.onerror = () => { source.close(); setTimeout(() => window.location.reload(), 2000); };
}
