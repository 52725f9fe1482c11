# Profile and settings (ACC-7): name, photo, language, change password, delete account.

settings-title = Settings
settings-intro = Change your details here.
settings-back = Back to Settings
settings-save = Save
settings-email = Your e-mail address: { $email }

settings-notice-name = Your name has been saved.
settings-notice-language = Your language has been saved.
settings-notice-photo = We have received your photo. It takes a moment to get ready; have another look soon.
settings-notice-photo-removed = Your photo has been removed.
settings-notice-password = Your password has been changed. You have been signed out on your other devices.

settings-photo-heading = Photo
settings-photo-intro = The staff of { $organisation } can see your photo too.
settings-photo-none = You do not have a photo yet.
settings-photo-alt = Photo of { $name }
settings-photo-pending = We are processing your new photo. Have another look in a minute.
settings-photo-choose = Choose a photo
settings-photo-hint = A JPEG, PNG or WebP photo, at most { $megabytes } MB.
settings-photo-submit = Save photo
settings-photo-remove = Remove photo

photo-missing = First choose a photo on your computer or phone.
photo-too-large = This photo is too large. Choose a photo of at most 10 MB.
photo-wrong-type = This file is not a photo we can use. Choose a JPEG, PNG or WebP photo.
photo-too-many-pixels = This photo is too large to process. Choose a photo of at most 40 megapixels (20 megapixels at 16 bits per colour).
photo-too-many-uploads = You have sent many photos in the past hour. Try again in an hour.
photo-unreadable = We cannot open this photo. Try another photo.

settings-name-heading = Name
settings-name-label = Your name
settings-language-heading = Language
settings-language-label = In which language do you want to read the website and the e-mails?
settings-language-invalid = Choose Nederlands or English.

settings-security-heading = Password and devices
settings-password-link = Change password

settings-password-title = Change password
settings-password-intro = First enter your current password. Then choose a new password. You will be signed out on your other devices.
settings-password-current = Current password
settings-password-new = New password
settings-password-submit = Change password
settings-password-current-wrong = This password is not right. Enter your current password.

settings-delete-heading = Delete account
settings-delete-intro = No longer want to use this portal? Then you can delete your account.
settings-delete-link = Delete my account

account-delete-title = Delete account
account-delete-intro = Are you sure? When you delete your account:
account-delete-what-sign-in = you can no longer sign in, and you are signed out on all your devices;
account-delete-what-photo = your name, your e-mail address and your photo are erased;
account-delete-what-mail = you get one more e-mail to confirm it.
account-delete-final = This cannot be undone.
account-delete-password = Enter your password
account-delete-confirm = Yes, I want to delete my account
account-delete-confirm-required = Tick the box to confirm that you want to delete your account.
account-delete-submit = Delete my account for good
account-delete-cancel = Do not delete

account-deleted-title = Your account has been deleted
account-deleted-text = Your account at { $organisation } no longer exists and you have been signed out. Thank you for using the portal.
account-deleted-home = Go to the home page
