// Copy buttons: <button data-copy="#field" data-copied-text="Copied"> copies the field's value
// to the clipboard and says so in the nearest [data-copy-status] (a polite live region).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  const status = (button.closest(".alert") || document).querySelector("[data-copy-status]");
  try {
    await navigator.clipboard.writeText(field.value);
  } catch (error) {
    // No clipboard API (an insecure origin, an old browser): select the text to copy by hand.
    field.select();
    document.execCommand("copy");
  }
  if (status) status.textContent = button.dataset.copiedText;
});
