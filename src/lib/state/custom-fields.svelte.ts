// The organisation's custom field keys, which every body editor's Token menu offers: read once,
// when an editor first asks, and shared by the forms that edit stage bodies (the template editor
// reads its own with the sequence).
import { listCustomFieldKeys } from '$lib/api/candidates';

class CustomFieldKeys {
  #keys = $state.raw<readonly string[]>([]);
  #asked = false;

  /** The keys known so far (empty until the first read answers; it starts on first use). */
  get keys(): readonly string[] {
    if (!this.#asked) {
      this.#asked = true;
      void listCustomFieldKeys().then((r) => {
        if (r.ok) this.#keys = r.data;
        else this.#asked = false; // asked again by the next editor
      });
    }
    return this.#keys;
  }
}

export const customFields = new CustomFieldKeys();
