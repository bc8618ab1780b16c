// Messages between the content script (in the LinkedIn tab) and the side panel.
import type { ProfileReading } from './profile-reader';

/** Panel → content script: read the page now. Answered with a ProfileMessage. */
export interface ReadRequest {
  type: 'read-profile';
}

/** Content script → panel: what the page shows (sent on request and whenever the page changes). */
export interface ProfileMessage {
  type: 'profile';
  url: string;
  reading: ProfileReading;
}
