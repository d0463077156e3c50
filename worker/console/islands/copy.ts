// Island: "Copy" buttons copy the text of the element they name (data-copy="id") and say so in a live region.
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
  button.addEventListener('click', async () => {
    const text = document.getElementById(button.dataset.copy ?? '')?.textContent ?? '';
    const status = document.getElementById('copy-status');
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = status.dataset.copied ?? 'Copied.';
    } catch {
      // No clipboard permission: select the text so the owner can copy it by hand.
      const target = document.getElementById(button.dataset.copy ?? '');
      if (target) window.getSelection()?.selectAllChildren(target);
    }
  });
}
